import { z } from 'zod';
import { errors } from '../errors';
import { register, type App } from '../http/endpoint';
import { plaidResponse } from '../schemas/plaid';

/** Plaid endpoints that need Plaid Items (bank connections through Plaid Link). They
 * authenticate like every endpoint and then answer a clear 400 (docs/product.md §2). */
const ITEM_ENDPOINTS = [
  { path: '/beacon/user/account_insights/get', response: plaidResponse('BeaconUserAccountInsightsGetResponse') },
  { path: '/beacon/account_risk/v1/evaluate', response: plaidResponse('BeaconAccountRiskEvaluateResponse') },
];

export function registerUnsupportedRoutes(app: App): void {
  for (const { path, response } of ITEM_ENDPOINTS) {
    register(app, {
      path,
      plane: 'api',
      summary: 'Not supported: needs Plaid Items, which this network does not have (answers 400 PRODUCT_NOT_SUPPORTED)',
      request: z.unknown(),
      response,
      handle: () => Promise.reject(errors.notSupported(path)),
    });
  }
}
