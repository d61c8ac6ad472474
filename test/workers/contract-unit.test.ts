import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registeredEndpoints } from '../../src/app';
import { fromZod, plaidSpec } from '../../src/http/openapi';
import { BeaconUserCreateRequest, BeaconUserReviewRequest } from '../../src/schemas/beacon-user';
import { REQUEST_DEPARTURES } from '../../src/schemas/plaid';
import { compareSchemas, reconcile, type EndpointDifference } from './support/contract';

type Schema = Record<string, any>;
const plaidDefs = env.PLAID_SCHEMAS as Record<string, Schema>;

/** Our request schema of an API-plane endpoint against Plaid's, for the path Plaid gives it. */
function differencesOf(path: string, ours: z.ZodType): EndpointDifference[] {
  const plaid = plaidSpec().operations[path];
  if (!plaid) throw new Error(`${path} is not in Plaid's spec`);
  return compareSchemas(fromZod(ours), plaidDefs[plaid.request]!, plaidDefs).map((d) => ({ path, ...d }));
}

const apiEndpoints = () => registeredEndpoints().filter((e) => e.plane === 'api');

describe('API-plane request schemas against Plaid’s', () => {
  it('differ only where REQUEST_DEPARTURES says, and every departure listed still applies', () => {
    expect(apiEndpoints().length).toBeGreaterThanOrEqual(18);
    const differences = apiEndpoints().flatMap((endpoint) => differencesOf(endpoint.path, endpoint.request));
    const { undocumented, stale } = reconcile(differences, REQUEST_DEPARTURES);
    expect(undocumented, 'differences from Plaid’s request schemas that REQUEST_DEPARTURES (src/schemas/plaid.ts) does not list').toEqual([]);
    expect(stale, 'departures listed that no longer apply').toEqual([]);
  });

  it('every departure gives its reason', () => {
    for (const departure of REQUEST_DEPARTURES) expect(departure.reason.length, departure.field).toBeGreaterThan(30);
  });

  it('(the comparison finds a missing, an extra, a required, an optional field, a type, an enum and a format)', () => {
    // A schema compared with itself: nothing.
    expect(compareSchemas(plaidDefs.BeaconUserCreateRequest!, plaidDefs.BeaconUserCreateRequest!, plaidDefs)).toEqual([]);

    const { client_user_id: _, ...kept } = BeaconUserCreateRequest.shape;
    const broken = z.strictObject({
      ...kept,
      nickname: z.string(),
      access_tokens: z.string().nullish(),
      user: z.strictObject({ ...kept.user.shape, date_of_birth: z.string(), email_address: z.string().nullish() }).optional(),
    });
    const found = differencesOf('/beacon/user/create', broken).map(({ field, kind }) => `${field} ${kind}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'client_user_id missing',
        'nickname extra',
        'user optional',
        'access_tokens type',
        'user.date_of_birth required',
        'user.date_of_birth format',
        'user.email_address format',
      ]),
    );
    const review = differencesOf('/beacon/user/review', BeaconUserReviewRequest.extend({ status: z.enum(['cleared', 'rejected']) }));
    expect(review.map(({ field, kind }) => `${field} ${kind}`)).toEqual(['status enum']);

    // …and the reconciliation reports them as undocumented, and an unused departure as stale.
    const { undocumented, stale } = reconcile(review, [{ paths: ['/user/get'], field: 'user_id', kind: 'format', reason: 'for the test' }]);
    expect(undocumented).toEqual(review);
    expect(stale).toEqual([{ path: '/user/get', field: 'user_id', kind: 'format' }]);
  });
});
