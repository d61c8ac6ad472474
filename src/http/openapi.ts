/** The API reference (`/openapi.json`): one OpenAPI 3.1 document for the three JSON planes,
 * built from the registered endpoints. The API plane's requests and answers are Plaid's
 * schemas (bundled from test/spec by scripts/build.mjs); the dashboard and admin planes'
 * come from their zod schemas. */
import { z } from 'zod';
import { PLAID_SPEC_JSON } from '../generated/plaid-spec';
import type { Plane } from './auth';
import { isPlaidResponse, NULLABLE_IN_RESPONSES, REQUEST_DEPARTURES } from '../schemas/plaid';
import { PLAID_VERSION, type RegisteredEndpoint, type ResponseContract } from './endpoint';

type JsonSchema = Record<string, unknown>;

/** What scripts/plaid-spec.mjs keeps of Plaid's document. */
interface PlaidSpec {
  version: string;
  operations: Record<string, { operationId: string; summary: string; description: string; request: string; response: string; examples?: unknown }>;
  schemas: Record<string, JsonSchema>;
  securitySchemes: Record<string, JsonSchema>;
}

let parsed: PlaidSpec | undefined;
/** Parsed on first use only: most requests never need it. */
export const plaidSpec = (): PlaidSpec => (parsed ??= JSON.parse(PLAID_SPEC_JSON) as PlaidSpec);

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PLANES: Record<Plane, { tag: string; description: string; security: Record<string, string[]>[] }> = {
  api: {
    tag: 'API',
    description:
      "A member company's backend, usually through the `plaid` SDK: Plaid's endpoints and shapes. Credentials: the `PLAID-CLIENT-ID` and `PLAID-SECRET` headers, or `client_id` and `secret` in the body.",
    security: [{ clientId: [], secret: [] }],
  },
  dashboard: {
    tag: 'Dashboard',
    description:
      "What a member's fraud analysts do (Plaid does these in its web Dashboard). Credentials: as the API plane, plus the acting analyst's `dashboard_user_id` in the body, recorded in audit trails.",
    security: [{ clientId: [], secret: [] }],
  },
  admin: {
    tag: 'Admin',
    description:
      "The deployment's operator: member companies, their credentials, where programs live, onboarding imports, the fan-out's dead letters. Credentials: `Authorization: Bearer <ADMIN_TOKEN>`.",
    security: [{ adminToken: [] }],
  },
};

/** The body credentials of the dashboard plane, which its request schemas leave out
 * (http/auth.ts takes them from the body before validation). */
const DASHBOARD_CREDENTIALS = {
  properties: {
    client_id: { type: 'string', description: 'Your `client_id`, if not in the `PLAID-CLIENT-ID` header.' },
    secret: { type: 'string', description: 'Your `secret`, if not in the `PLAID-SECRET` header.' },
    dashboard_user_id: { type: 'string', minLength: 1, maxLength: 128, description: 'The analyst acting, recorded in the audit trail.' },
  },
  required: ['dashboard_user_id'],
};

/** `/admin/client/create` → `AdminClientCreate`. */
const pascalName = (path: string) =>
  path
    .split(/[/_]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

const operationIdOf = (path: string) => pascalName(path).replace(/^./, (c) => c.toLowerCase());

/** A zod schema as the document shows it: what a request may send (`io: 'input'`), without
 * the noise zod adds for readers — the regex of a named `format`, and the bounds of a safe
 * integer. */
export function fromZod(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      if (jsonSchema.format) delete jsonSchema.pattern;
      if (jsonSchema.type === 'integer' && jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.type === 'integer' && jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as JsonSchema;
  return json;
}

/** Every schema `names` refer to, directly or through others. */
function closure(schemas: Record<string, JsonSchema>, names: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') add(value.replace('#/components/schemas/', ''));
      else visit(value);
    }
  };
  const add = (name: string) => {
    if (found.has(name)) return;
    if (!schemas[name]) throw new Error(`the reference names a Plaid schema that the spec lacks: ${name}`);
    found.add(name);
    visit(schemas[name]);
  };
  for (const name of names) add(name);
  return found;
}

/** Plaid's schema with this network's deliberate departures (schemas/plaid.ts) applied. */
function withDepartures(name: string, schema: JsonSchema): JsonSchema {
  const nullable = (NULLABLE_IN_RESPONSES as Record<string, readonly string[]>)[name];
  if (!nullable) return schema;
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  for (const property of nullable) properties[property] = { anyOf: [properties[property], { type: 'null' }] };
  return { ...schema, properties };
}

/** Plaid's description of an operation, and where this network departs from it. */
function describePlaidOperation(path: string, description: string): string {
  const departures = REQUEST_DEPARTURES.filter((d) => d.paths.includes(path));
  if (!departures.length) return description;
  const list = departures.map((d) => `- \`${d.field}\`: ${d.reason}`).join('\n');
  return `${description}\n\n**On Beacon Network:**\n\n${list}`;
}

/** Builds the document; its `servers` are the caller's to add (the deployment's own URL). */
export function openApiDocument(endpoints: readonly RegisteredEndpoint[]) {
  const spec = plaidSpec();
  const ours: Record<string, JsonSchema> = {};
  const plaidNames = new Set(['PlaidError']);
  const name = (candidate: string, schema: JsonSchema) => {
    if (ours[candidate] || spec.schemas[candidate]) throw new Error(`two schemas of the reference would be named ${candidate}`);
    ours[candidate] = schema;
    return ref(candidate);
  };

  const responseSchema = (endpoint: RegisteredEndpoint, contract: ResponseContract) => {
    if (!isPlaidResponse(contract)) return name(`${pascalName(endpoint.path)}Response`, fromZod(contract));
    plaidNames.add(contract.plaid);
    return contract.extra ? { allOf: [ref(contract.plaid), fromZod(contract.extra)] } : ref(contract.plaid);
  };

  const requestSchema = (endpoint: RegisteredEndpoint) => {
    const plaid = endpoint.plane === 'api' ? spec.operations[endpoint.path] : undefined;
    if (plaid) {
      plaidNames.add(plaid.request);
      return ref(plaid.request);
    }
    const schema = fromZod(endpoint.request);
    if (endpoint.plane !== 'dashboard') return name(`${pascalName(endpoint.path)}Request`, schema);
    return name(`${pascalName(endpoint.path)}Request`, {
      ...schema,
      properties: { ...(schema.properties as JsonSchema), ...DASHBOARD_CREDENTIALS.properties },
      required: [...((schema.required as string[] | undefined) ?? []), ...DASHBOARD_CREDENTIALS.required],
    });
  };

  const paths: Record<string, unknown> = {};
  for (const endpoint of endpoints) {
    const plane = PLANES[endpoint.plane];
    const plaid = endpoint.plane === 'api' ? spec.operations[endpoint.path] : undefined;
    paths[endpoint.path] = {
      post: {
        operationId: plaid?.operationId ?? operationIdOf(endpoint.path),
        tags: [plane.tag],
        summary: endpoint.summary,
        ...(plaid ? { description: describePlaidOperation(endpoint.path, plaid.description) } : {}),
        security: plane.security,
        ...(endpoint.plane === 'api' ? { parameters: [{ $ref: '#/components/parameters/PlaidVersion' }] } : {}),
        requestBody: { required: true, content: { 'application/json': { schema: requestSchema(endpoint) } } },
        responses: {
          '200': {
            description: 'OK (every answer also carries `request_id`)',
            content: { 'application/json': { schema: responseSchema(endpoint, endpoint.response), ...(plaid?.examples ? { examples: plaid.examples } : {}) } },
          },
          default: { description: "An error: Plaid's error object", content: { 'application/json': { schema: ref('PlaidError') } } },
        },
      },
    };
  }

  const plaidSchemas = Object.fromEntries([...closure(spec.schemas, plaidNames)].sort().map((n) => [n, withDepartures(n, spec.schemas[n]!)]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beacon Network',
      version: PLAID_VERSION,
      summary: 'An open implementation of the Plaid Beacon API: a fraud consortium of member companies.',
      description:
        "Every endpoint takes `POST` with a JSON body and answers JSON with a `request_id`; every failure is Plaid's error object. The API plane's shapes are Plaid's own (spec " +
        `${spec.version}), so the official \`plaid\` SDK works against this deployment unmodified.`,
    },
    tags: Object.values(PLANES).map(({ tag, description }) => ({ name: tag, description })),
    paths,
    components: {
      schemas: { ...plaidSchemas, ...ours },
      securitySchemes: {
        clientId: { ...spec.securitySchemes.clientId, description: 'Your `client_id` (or `client_id` in the body).' },
        secret: { ...spec.securitySchemes.secret, description: 'Your `secret` (or `secret` in the body).' },
        adminToken: { type: 'http', scheme: 'bearer', description: "The deployment's ADMIN_TOKEN." },
      },
      parameters: {
        PlaidVersion: {
          name: 'Plaid-Version',
          in: 'header',
          required: false,
          description: `The only version served is ${PLAID_VERSION}; any other is refused.`,
          schema: { type: 'string', enum: [PLAID_VERSION] },
        },
      },
    },
  };
}
