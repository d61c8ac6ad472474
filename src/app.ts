import { Hono } from 'hono';
import { registerConsole } from './console';
import { errors, PlaidError } from './errors';
import { endpointsOf, usageHeader, USAGE_HEADER, type App, type AppEnv, type RegisteredEndpoint } from './http/endpoint';
import { newRequestId } from './lib/ids';
import { registerAdminRoutes } from './routes/admin';
import { registerBeaconUserRoutes } from './routes/beacon-users';
import { registerDashboardRoutes } from './routes/dashboard';
import { registerNetworkRoutes } from './routes/network';
import { registerReferenceRoutes } from './routes/reference';
import { registerDashboardUserRoutes } from './routes/dashboard-users';
import { registerReportRoutes } from './routes/reports';
import { registerUnsupportedRoutes } from './routes/unsupported';
import { registerUserRoutes } from './routes/users';
import { registerWebhookRoutes } from './routes/webhooks';
import { ConfigurationError } from './secrets';

/** The app factory: one error shape, a request id on every answer, the routes of the
 * three planes, and the pages and documents that describe them. */
export function newApp(): App {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set('requestId', newRequestId());
    await next();
    if (c.env.D1_USAGE_HEADER === 'on' && c.env.ENVIRONMENT !== 'production') c.res.headers.set(USAGE_HEADER, usageHeader(c.get('usage')?.()));
  });

  registerBeaconUserRoutes(app);
  registerReportRoutes(app);
  registerUserRoutes(app);
  registerUnsupportedRoutes(app);
  registerDashboardRoutes(app);
  registerDashboardUserRoutes(app);
  registerAdminRoutes(app);
  registerNetworkRoutes(app);
  registerWebhookRoutes(app);
  registerReferenceRoutes(app);
  registerConsole(app);

  app.notFound((c) => {
    const error = errors.routeNotFound(c.req.method, c.req.path);
    return c.json(error.body(c.get('requestId')), error.status);
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? newRequestId();
    let error: PlaidError;
    if (err instanceof PlaidError) {
      error = err;
    } else if (err instanceof ConfigurationError) {
      console.error(`[${requestId}] configuration error: ${err.message}`);
      error = errors.internal(`the deployment is misconfigured: ${err.message}`);
    } else {
      console.error(`[${requestId}] unexpected error`, err);
      error = errors.internal();
    }
    return c.json(error.body(requestId), error.status);
  });

  return app;
}

let endpoints: readonly RegisteredEndpoint[] | undefined;

/** Every JSON endpoint of the Worker, as the app factory registers them: path, plane,
 * summary, request and response schemas (for the reference and for tests over them all). */
export function registeredEndpoints(): readonly RegisteredEndpoint[] {
  return (endpoints ??= endpointsOf(newApp()));
}
