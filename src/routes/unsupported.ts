import { z } from 'zod';
import { errors } from '../errors';
import { register, type App } from '../http/endpoint';

/** Plaid endpoints that need Plaid Items (bank connections through Plaid Link). They
 * authenticate like every endpoint and then answer a clear 400 (PRODUCT.md §2). */
const ITEM_ENDPOINTS = ['/beacon/user/account_insights/get', '/beacon/account_risk/v1/evaluate'];

export function registerUnsupportedRoutes(app: App): void {
  for (const path of ITEM_ENDPOINTS) {
    register(app, {
      path,
      plane: 'api',
      request: z.unknown(),
      handle: () => Promise.reject(errors.notSupported(path)),
    });
  }
}
