/** The analyst console (docs/product.md §8) at /console: server-rendered pages over the same
 * domain services and the same ProgramGateway as the dashboard plane. Forms work without
 * script; public/console/console.js adds keyboard shortcuts. Errors are pages, never JSON. */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { App } from '../http/endpoint';
import { PlaidError } from '../errors';
import { ConfigurationError } from '../secrets';
import { registerAccountRoutes } from './account';
import { registerAnalystRoutes } from './analysts';
import { registerAuthRoutes } from './auth';
import { sentence } from './words';
import { consoleMiddleware, Forbidden, SignInRequired, type ConsoleContext, type ConsoleEnv } from './context';
import { registerProgramRoutes } from './programs';
import { registerQueueRoutes } from './queue';
import { render } from './render';
import { registerSearchRoutes } from './search';
import { registerUserRoutes } from './user';
import { registerWebhookRoutes } from './webhooks';

export function registerConsole(app: App): void {
  const pages = new Hono<ConsoleEnv>();
  // (The app's own middleware has given the request its id.)
  pages.use(...consoleMiddleware);

  registerAuthRoutes(pages);
  registerQueueRoutes(pages);
  registerUserRoutes(pages);
  registerSearchRoutes(pages);
  registerProgramRoutes(pages);
  registerWebhookRoutes(pages);
  registerAnalystRoutes(pages);
  registerAccountRoutes(pages);

  pages.all('*', (c) => problem(c, 404, 'Not found', 'There is no such page in the console.'));
  pages.onError((error, c) => {
    if (error instanceof SignInRequired) return c.redirect('/console/sign-in', 303);
    if (error instanceof Forbidden) return problem(c, 403, 'Not allowed', error.message);
    if (error instanceof HTTPException && error.status === 403) return problem(c, 403, 'Not allowed', 'This form did not come from this console.');
    // Ids that are unknown or another member's: the same page.
    if (error instanceof PlaidError && error.code === 'INVALID_FIELD' && / not found$/.test(error.message)) return problem(c, 404, 'Not found', sentence(error.message));
    if (error instanceof PlaidError && error.status < 500) return problem(c, 400, 'Not possible', sentence(error.message));
    const requestId = c.get('requestId');
    if (error instanceof ConfigurationError) {
      console.error(`[${requestId}] configuration error: ${error.message}`);
      return problem(c, 500, 'The deployment is misconfigured', sentence(error.message));
    }
    console.error(`[${requestId}] unexpected error in the console`, error);
    return problem(c, 500, 'Something went wrong', `Try again; if it persists, give the operator this reference: ${requestId}.`);
  });

  app.route('/console', pages as unknown as App);
}

/** An error as a page (without the analyst's header when it came before the session). */
function problem(c: ConsoleContext, status: 400 | 403 | 404 | 500, title: string, text: string): Response | Promise<Response> {
  return render(c, { title, section: 'user', status }, <p>{text}</p>);
}
