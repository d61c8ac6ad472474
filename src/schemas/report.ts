import { z } from 'zod';
import { REPORT_TYPES } from '../vocabulary';
import { Cursor, ObjectId, PastDate, Timestamp } from './fields';

export const BeaconReportType = z.enum(REPORT_TYPES, `must be one of ${REPORT_TYPES.join(', ')}`);
export type BeaconReportType = z.output<typeof BeaconReportType>;

/** USD, ≥ 0, at most two decimals (docs/product.md §4). */
export const FraudAmount = z.strictObject({
  iso_currency_code: z.literal('USD', 'must be USD'),
  value: z
    .number()
    .min(0, 'must not be negative')
    .max(1e12, 'must be at most 1000000000000')
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most two decimals')
    .meta({ format: 'double' }),
});
export type FraudAmount = z.output<typeof FraudAmount>;

export const BeaconReportCreateRequest = z.strictObject({
  beacon_user_id: ObjectId,
  type: BeaconReportType,
  fraud_date: PastDate,
  fraud_amount: FraudAmount.nullish(),
});

export const BeaconReportGetRequest = z.strictObject({ beacon_report_id: ObjectId });
export const BeaconReportListRequest = z.strictObject({ beacon_user_id: ObjectId, cursor: Cursor });

export const BeaconReportSyndicationGetRequest = z.strictObject({ beacon_report_syndication_id: ObjectId });
export const BeaconReportSyndicationListRequest = z.strictObject({ beacon_user_id: ObjectId, cursor: Cursor });

export const DashboardReportUpdateRequest = z.strictObject({
  beacon_report_id: ObjectId,
  type: BeaconReportType.nullish(),
  fraud_date: PastDate.nullish(),
  /** `null` records that the amount is unknown; leaving the field out keeps it. */
  fraud_amount: FraudAmount.nullable().optional(),
});
export const DashboardReportDeleteRequest = z.strictObject({ beacon_report_id: ObjectId });
export const DashboardReportSyndicationConfirmRequest = z.strictObject({ beacon_report_syndication_id: ObjectId });

// Answers.

export const DashboardReportDeleteResponse = z.object({ beacon_report_id: z.string(), deleted_at: Timestamp });

/** What `/dashboard/report_syndication/confirm` adds to Plaid's syndication. */
export const SyndicationConfirmation = z.object({
  confirmed_at: Timestamp.nullable(),
  confirmed_by: z.string().nullable().meta({ description: 'The `dashboard_user_id` of the analyst who confirmed it.' }),
});
