import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { parseConfig } from './config/env';

/** Base path of the versioned API (issue 2 §4). */
export const API_PREFIX = 'api/v1';

/**
 * Applies what is not a module concern: helmet, the /api/v1 prefix, body limits, and which
 * proxies may set X-Forwarded-For (TRUST_PROXY; the client IP keys login throttling and audit).
 */
export function configureApp(app: INestApplication, trustProxy: string = parseConfig().trustProxy): void {
  const express = app as NestExpressApplication;
  express.use(helmet());
  express.set('trust proxy', trustProxy === 'false' ? false : trustProxy);
  express.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  // Flat query strings (Node's querystring): no nested objects, at most 1,000 values. Depth and
  // array length of bodies are checked by the first global pipe (docs/adr/0011-request-shape-limits.md).
  express.set('query parser', 'simple');
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
}

/** Descriptions of the Swagger tags (one per resource family). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  audit: 'Audit trail of every change',
  auth: 'Sign-in, token refresh, sign-out, current principal',
  health: 'Liveness and readiness probes',
  impersonation: 'Time-limited "login as" sessions of staff in a tenant user’s place',
  plans: 'Plan catalog: prices, limits, features',
  quotas: 'Per-tenant plan, limit overrides, billing state and allowances',
  staff: 'Platform staff management (owners)',
  'tenant-notes': 'Staff notes on a tenant',
  'tenant-profile': 'The signed-in tenant’s profile and settings',
  'tenant-users': 'Tenant user management by the tenant’s admins',
  tenants: 'Tenant provisioning, list, detail and lifecycle',
  usage: 'Usage counters, recalculation and daily history',
};

/** Builds the OpenAPI 3.1 document from the controllers (the contract frontend teams receive). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Control Plane API')
    .setDescription(
      'Control plane of a multi-tenant B2B SaaS. Errors are RFC 9457 application/problem+json with a stable `code` and the `requestId`. ' +
        'Super-admin routes live under /api/v1/admin, tenant routes under /api/v1/tenant; the tenant of a tenant route always comes from the token.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addServer('/', 'This server')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  const tags = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item as Record<string, { tags?: string[] }>)) op?.tags?.forEach((t) => tags.add(t));
  }
  document.tags = [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  withoutQueryExamples(document);
  withWalkExamples(document);
  return sortKeys(document) as OpenAPIObject;
}

/**
 * Whole-body examples of request schemas whose per-property sample would not work as sent: Swagger
 * UI would fill every optional field (a plan's limits with 0, so no tenant could hold its admin;
 * an impersonation's optional userId with a placeholder id). They follow README's first walk.
 */
const WALK_EXAMPLES: Record<string, Record<string, unknown>> = {
  CreatePlanDto: { code: 'small', name: 'Small', monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD', limits: { members: 3 } },
  StartImpersonationDto: { tenantId: '00000000-0000-4000-8000-000000000000', reason: 'customer asked for help', durationMinutes: 30 },
};

/** Sets the schema-level example of each schema named in {@link WALK_EXAMPLES}. */
function withWalkExamples(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, { example?: unknown }>;
  for (const [name, example] of Object.entries(WALK_EXAMPLES)) if (schemas[name]) schemas[name].example = example;
}

/** An operation as the post-processing steps of {@link buildOpenApiDocument} see it. */
type DocOperation = {
  parameters?: { in?: string; description?: string; example?: unknown; examples?: unknown; schema?: { example?: unknown } }[];
};

/** Every operation of the document, with its path and method. */
function operationsOf(document: OpenAPIObject): { path: string; method: string; op: DocOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, unknown>)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]) => ({ path, method, op: op as DocOperation })),
  );
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/**
 * Swagger UI's "Try it out" pre-fills a query parameter with its example, so a list would open
 * filtered (often to nothing). Query parameters therefore carry no example: one that a shared
 * decorator added moves into the description, in words.
 */
function withoutQueryExamples(document: OpenAPIObject): void {
  for (const { op } of operationsOf(document)) {
    for (const param of op.parameters ?? []) {
      if (param.in !== 'query') continue;
      const example = param.example ?? param.schema?.example;
      delete param.example;
      delete param.examples;
      if (param.schema) delete param.schema.example;
      if (example !== undefined && !param.description?.includes(String(example))) {
        param.description = `${param.description ? `${param.description.replace(/\.?$/, '.')} ` : ''}For example ${String(example)}.`;
      }
    }
  }
}

/** Serves Swagger UI at /docs and the JSON document at /docs/openapi.json. */
export function setupSwagger(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    customSiteTitle: 'Control Plane API',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
}

/** Deterministic key order for `components` and `paths`, so the committed file diffs cleanly. */
function sortKeys(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const sorted = depth <= 2 ? entries.sort(([a], [b]) => a.localeCompare(b)) : entries;
    return Object.fromEntries(sorted.map(([k, v]) => [k, sortKeys(v, depth + 1)]));
  }
  return value;
}
