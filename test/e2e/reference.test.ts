import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, inject, it } from 'vitest';

// The reference as a deployment serves it: `wrangler dev` with its custom build (the Plaid
// spec module and the reference's assets) and Workers Static Assets.

const baseUrl = inject('baseUrl');

describe('the API reference under wrangler dev', () => {
  it('serves an OpenAPI document that an OpenAPI 3.1 validator accepts', async () => {
    const response = await fetch(`${baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, any>;
    expect(document.servers).toEqual([{ url: baseUrl, description: 'This deployment' }]);

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // Every $ref resolves (the validator dereferences the whole document).
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('(the validator refuses a broken document)', async () => {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Record<string, any>;
    const broken = { ...document, paths: { ...document.paths, '/admin/client/get': { post: { responses: 'none' } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('sends every endpoint of the reference straight to the Worker (`run_worker_first`)', async () => {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const listed = /^run_worker_first = (\[.*\])$/m.exec(readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8'))?.[1];
    const prefixes = (JSON.parse(listed ?? '[]') as string[]).map((pattern) => pattern.replace(/\*$/, ''));
    const paths = Object.keys(document.paths);
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((path) => !prefixes.some((prefix) => path.startsWith(prefix)))).toEqual([]);
  });

  it('serves the page, its scripts and its stylesheet from this origin', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(['/docs/swagger-ui/swagger-ui.css', '/docs/swagger-ui/swagger-ui-bundle.js', '/docs/reference.js']);
    for (const asset of assets) {
      const response = await fetch(`${baseUrl}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(asset.endsWith('.css') ? /^text\/css/ : /javascript/);
      expect((await response.text()).length, asset).toBeGreaterThan(100);
    }
  });

  it('answers the landing page and the health check, and Plaid’s 404 elsewhere', async () => {
    const landing = await fetch(`${baseUrl}/`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('href="/docs"');
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const missing = await fetch(`${baseUrl}/docs/swagger-ui/missing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'NOT_FOUND' });
  });
});
