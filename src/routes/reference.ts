import { html } from 'hono/html';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { checkHealth } from '../domain/health';
import { endpointsOf, type App } from '../http/endpoint';
import { openApiDocument } from '../http/openapi';

/** What a browser may load on these pages: nothing but what is named. Both pages deny
 * framing, forms, `<base>`, plugins and every origin but this one. */
const STRICT = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** The landing page has no script at all, and one stylesheet allowed by its nonce. */
const landingHeaders = secureHeaders({ contentSecurityPolicy: { ...STRICT, styleSrc: [NONCE] } });

/** The reference is Swagger UI (swagger-ui-dist, bundled in public/docs/swagger-ui/ by
 * scripts/build.mjs): its script, stylesheet and starter come from this origin, and it
 * fetches /openapi.json and, for "Try it out", this deployment's endpoints. Its SVG icons are
 * data: URLs, and it sets element styles through the CSSOM (which CSP does not govern),
 * so no inline script or style is needed. */
const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    ...STRICT,
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
  },
});

/** The pages and documents served on GET: a landing page, the API reference and its
 * document, and a health check. Everything else keeps answering Plaid's 404. */
export function registerReferenceRoutes(app: App): void {
  app.get('/', landingHeaders, (c) =>
    c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Beacon Network</title>
    <style nonce="${c.get('secureHeadersNonce')}">
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
      a { color: #0a58ca; } dt { font-weight: 600; margin-top: 1rem; } dd { margin: 0; }
    </style>
  </head>
  <body>
    <h1>Beacon Network</h1>
    <p>A fraud consortium on the Plaid Beacon API: member companies screen their users for duplicates and against fraud reports shared across the network. This deployment is <strong>${c.env.ENVIRONMENT}</strong>.</p>
    <dl>
      <dt><a href="/console">Console</a></dt>
      <dd>For a member's fraud analysts: the review queue, users, reports and settings.</dd>
      <dt><a href="/docs">API reference</a></dt>
      <dd>Every endpoint of the API, dashboard and admin planes, to read and try (<a href="/openapi.json">OpenAPI document</a>).</dd>
      <dt><a href="/health">Health</a></dt>
      <dd>Whether the configuration loads and every database answers.</dd>
    </dl>
  </body>
</html>`),
  );

  app.get('/docs', docsHeaders, (c) =>
    c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Beacon Network — API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui/swagger-ui.css" />
  </head>
  <body>
    <div id="reference" data-document="/openapi.json"></div>
    <script src="/docs/swagger-ui/swagger-ui-bundle.js"></script>
    <script src="/docs/reference.js"></script>
  </body>
</html>`),
  );

  // Built once per isolate; its server is the origin the caller used, so that "Try it out"
  // calls this deployment.
  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument(endpointsOf(app));
    return c.json({ ...document, servers: [{ url: new URL(c.req.url).origin, description: 'This deployment' }] });
  });

  app.get('/health', async (c) => {
    const { ok, checks } = await checkHealth(c.env);
    return c.json({ status: ok ? 'ok' : 'failing', environment: c.env.ENVIRONMENT, checks, request_id: c.get('requestId') }, ok ? 200 : 503);
  });
}
