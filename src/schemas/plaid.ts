/** The API plane's answers are Plaid's: each endpoint names its response schema from
 * Plaid's spec, and its handler is typed with the `plaid` SDK's type of that name, so a
 * missing or mistyped field fails the type check. (Type-only: nothing of the SDK is bundled.) */
import type * as Plaid from 'plaid';
import type { z } from 'zod';

/** Plaid's response schemas that endpoints of this network answer with, by the spec's name. */
interface PlaidResponses {
  BeaconAccountRiskEvaluateResponse: Plaid.BeaconAccountRiskEvaluateResponse;
  BeaconDuplicateGetResponse: Plaid.BeaconDuplicateGetResponse;
  BeaconReportCreateResponse: Plaid.BeaconReportCreateResponse;
  BeaconReportGetResponse: Plaid.BeaconReportGetResponse;
  BeaconReportListResponse: Plaid.BeaconReportListResponse;
  BeaconReportSyndicationGetResponse: Plaid.BeaconReportSyndicationGetResponse;
  BeaconReportSyndicationListResponse: Plaid.BeaconReportSyndicationListResponse;
  BeaconUserAccountInsightsGetResponse: Plaid.BeaconUserAccountInsightsGetResponse;
  BeaconUserCreateResponse: Plaid.BeaconUserCreateResponse;
  BeaconUserGetResponse: Plaid.BeaconUserGetResponse;
  BeaconUserHistoryListResponse: Plaid.BeaconUserHistoryListResponse;
  BeaconUserUpdateResponse: Plaid.BeaconUserUpdateResponse;
  DashboardUserGetResponse: Plaid.DashboardUserGetResponse;
  DashboardUserListResponse: Plaid.DashboardUserListResponse;
  UserCreateResponse: Plaid.UserCreateResponse;
  UserGetResponse: Plaid.UserGetResponse;
  UserRemoveResponse: Plaid.UserRemoveResponse;
  UserUpdateResponse: Plaid.UserUpdateResponse;
  WebhookVerificationKeyGetResponse: Plaid.WebhookVerificationKeyGetResponse;
}

export type PlaidResponseName = keyof PlaidResponses;

/** An endpoint's answer is the Plaid schema of this name, with `extra` fields of this
 * network's own where it has any (a dashboard action that records who did it). */
export interface PlaidResponse<N extends PlaidResponseName = PlaidResponseName, E extends z.ZodObject | undefined = z.ZodObject | undefined> {
  readonly plaid: N;
  readonly extra: E;
}

export function plaidResponse<N extends PlaidResponseName>(name: N): PlaidResponse<N, undefined>;
export function plaidResponse<N extends PlaidResponseName, E extends z.ZodObject>(name: N, extra: E): PlaidResponse<N, E>;
export function plaidResponse(name: PlaidResponseName, extra?: z.ZodObject): PlaidResponse {
  return { plaid: name, extra };
}

export const isPlaidResponse = (contract: unknown): contract is PlaidResponse => typeof contract === 'object' && contract !== null && 'plaid' in contract;

/**
 * Deliberate departures from Plaid's response schemas, each with its reason: schema name →
 * properties that may also be `null`. The reference (`/openapi.json`) applies them to
 * Plaid's schemas, and `Wire` below to the SDK's types.
 *
 * - `BeaconUserData`: Plaid's request schema lets a user be created without `address` or
 *   `date_of_birth` (one of `date_of_birth` and `depository_accounts` is enough), while its
 *   response schema marks both non-null; such a user has `null` there.
 */
export const NULLABLE_IN_RESPONSES = {
  BeaconUserData: ['address', 'date_of_birth'],
} as const satisfies Record<string, readonly string[]>;

type NullableIn<T, Keys extends PropertyKey> = Omit<T, Keys> & { [K in Keys & keyof T]: T[K] | null };

/** What travels as JSON for a type of the `plaid` SDK: its enums as their string values,
 * its `Set`s (arrays with `uniqueItems`) as arrays, without its index signatures. */
type Wire<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends Set<infer U> | ReadonlyArray<infer U>
      ? Wire<U>[]
      : T extends Plaid.BeaconUserData
        ? WireObject<NullableIn<T, (typeof NULLABLE_IN_RESPONSES)['BeaconUserData'][number]>>
        : WireObject<T>;

type WireObject<T> = { [K in keyof T as string extends K ? never : K]: Wire<T[K]> };

/** The body an endpoint's handler returns for a Plaid response: `request_id` is added by
 * `register()`. */
export type PlaidResponseBody<N extends PlaidResponseName, E extends z.ZodObject | undefined = undefined> = Omit<Wire<PlaidResponses[N]>, 'request_id'> &
  (E extends z.ZodObject ? z.input<E> : unknown);

/** How a request schema of ours may differ from Plaid's for one field. */
export type RequestDepartureKind =
  /** Plaid's schema has the property; ours refuses it. */
  | 'missing'
  /** Ours accepts a property Plaid's schema does not have. */
  | 'extra'
  /** Ours requires what Plaid's leaves optional. */
  | 'required'
  /** Ours leaves optional what Plaid's requires. */
  | 'optional'
  | 'type'
  | 'enum'
  | 'format';

export interface RequestDeparture {
  paths: readonly string[];
  /** The field, e.g. `user.address.region` (`[]`: an array's items; `(body)`: the whole body). */
  field: string;
  kind: RequestDepartureKind;
  reason: string;
}

/**
 * Deliberate departures of the API plane's request schemas from Plaid's, each with its
 * reason: the reviewed list that test/workers/contract-unit.test.ts holds the schemas to
 * (any other difference fails it, and so does an entry here that no longer differs), and
 * that the reference shows on each endpoint.
 */
export const REQUEST_DEPARTURES: readonly RequestDeparture[] = [
  {
    paths: ['/user/create', '/user/update'],
    field: 'identity.emails[].data',
    kind: 'format',
    reason: 'An email address must be a valid address (docs/product.md §4); Plaid’s schema takes any string.',
  },
  {
    paths: ['/user/create', '/user/update'],
    field: 'consumer_report_user_identity.emails[]',
    kind: 'format',
    reason: 'An email address must be a valid address (docs/product.md §4); Plaid’s schema takes any string.',
  },
  {
    paths: ['/beacon/user/account_insights/get', '/beacon/account_risk/v1/evaluate'],
    field: '(body)',
    kind: 'type',
    reason:
      'Needs Plaid Items (bank connections through Plaid Link), which this network does not have: every request is answered 400 PRODUCT_NOT_SUPPORTED once authenticated, whatever its body.',
  },
];
