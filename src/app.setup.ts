import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AUTH_POLICY, AuthPolicy, IMPERSONATION_EXTENSION, IS_PUBLIC, STAFF_ROLES, TENANT_ROLES } from './common/auth';
import { parseConfig } from './config/env';
import type { Logger } from 'pino';
import { requestLogMiddleware, ROOT_LOGGER } from './common/logging';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './common/context';
import { errorEntry, PROBLEM_JSON } from './common/errors';
import { problemExample } from './common/http';

/** Base path of the versioned API (issue 2 §4). */
export const API_PREFIX = 'api/v1';

/**
 * Applies what is not a module concern: helmet, the /api/v1 prefix, body limits, and which
 * proxies may set X-Forwarded-For (TRUST_PROXY; the client IP keys login throttling and audit).
 */
export function configureApp(app: INestApplication, trustProxy: string = parseConfig().trustProxy): void {
  const express = app as NestExpressApplication;
  // Every response, health probes and body-parser errors included, echoes its X-Request-Id.
  express.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    requestIdOf(req, res);
    next();
  });
  // Null in Nest's preview mode (scripts/sync-openapi.ts), where no provider is instantiated.
  const root = app.get<Logger | null>(ROOT_LOGGER);
  const accessLog = root ? requestLogMiddleware(root) : null;
  if (accessLog) express.use(accessLog);
  // helmet's defaults, except CSP's `upgrade-insecure-requests`: over plain HTTP on anything but
  // localhost (a VM, a container by its IP) it made browsers fetch Swagger UI's assets over
  // https and show a blank page. HSTS is only honoured over HTTPS, where it stays.
  express.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  express.set('trust proxy', trustProxy === 'false' ? false : trustProxy);
  express.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  // Form bodies only for the OAuth 2.0 token endpoint (RFC 6749 §4.4.2): flat fields, small.
  express.useBodyParser('urlencoded', { limit: '16kb', extended: false, parameterLimit: 20 });
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
  audit: 'Audit trail of every change, across tenants',
  compliance: 'GDPR requests: JSON archives of a tenant or a person (Art. 15/20) and erasures (Art. 17) that a second owner or admin approves within 48 h',
  coupons: 'Coupon catalog: discount codes (a percentage or an amount off, once, for some months or forever) redeemed on plan and module subscriptions',
  auth: 'Sign-in, token refresh, sign-out, current principal',
  health: 'Liveness and readiness probes',
  maintenance: 'Maintenance mode: while on, tenant routes answer 503 `maintenance` with Retry-After and the message; staff routes and health probes keep working',
  exports: 'CSV exports (async jobs) with expiring signed download links; files kept 7 days',
  jobs: 'Long-running operations (bulk actions, exports, compliance, backups) as durable records with progress; retry and cancel',
  impersonation: 'Time-limited "login as" sessions of staff in a tenant user’s place',
  modules: 'Module catalog: the product modules tenants subscribe to, their prices and trials',
  plans: 'Plan catalog: base and per-seat prices, limits, included modules',
  problems: 'The error codes a problem+json `type` resolves to',
  'rate-limits': 'Per-tenant request rates (plan, staff override with an optional end, platform default), enforced across instances: 429 `tenant_rate_limited` with Retry-After and RateLimit-* headers',
  quotas: 'Per-tenant plan, limit overrides, billing state and allowances',
  revenue: 'Revenue metrics from the MRR movements ledger (MRR, ARR, movements, churn, ARPA, LTV, forecast, trial conversion), its rebuild from the subscription history, and a tenant’s billing summary',
  service: 'The product-module API: product services (CRM, call analytics, campaigns, …) get a token with their client credentials (OAuth 2.0, RFC 6749 §4.4), then ask a tenant’s entitlements, reserve and release quota, report usage. The tenant is a parameter: a service acts for many tenants',
  'service-clients': 'Registration of product-module services as OAuth 2.0 clients: scopes, secret rotation with an overlap, revocation',
  staff: 'Platform staff management (owners)',
  system: 'System visibility for staff: health of each component (PostgreSQL, Redis, job queues, outbox, export store), the running instances, API latency and error rates per route group, queue depth, webhook success, database size. Prometheus scrapes GET /metrics (outside /api/v1, bearer METRICS_TOKEN)',
  dashboard: 'The super-admin dashboard: tenants by status, MRR, trials expiring, users active today, new tenants this month, usage outliers, open alerts',
  subscriptions: 'A tenant’s plan and module subscriptions: licenses, trial conversion, discounts (coupons), pending charges (money-moving routes take preview: true)',
  'tenant-audit': 'The signed-in tenant’s own audit trail',
  'tenant-backups': 'Backups of the tenant’s data (a job; downloaded once, then deleted from the server) and restores of them (signature and tenant checked, dry run first, all or nothing)',
  'tenant-notifications': 'The signed-in user’s in-app notifications (the bell: unread count, read, live stream, muted types) and the organisation’s notification rules',
  notifications: 'The signed-in staff member’s in-app notifications (alerts): unread count, read, live stream, muted types',
  'tenant-integrations': 'The integrations module: partners and their API keys (X-Api-Key, scoped), outbound webhook endpoints (payload definitions, Standard Webhooks signatures, delivery log, retry, replay, test, health), the event catalog, the real-time event stream (SSE)',
  alerts: 'Super-admin alerts: rules (trial expiring, payment failed, usage over limit, tenant inactive, webhooks failing) with scope and recipients, alerts deduplicated per rule and tenant, acknowledgement, resolution when the condition clears',
  'tenant-health': 'Tenant health and risk: a score 0–100 with the signals that explain it (sign-ins, active users, seats, module usage, payments, trial, support load, webhooks), daily history, the riskiest tenants and movers',
  'platform-webhooks': 'Platform webhooks for super admins: events across tenants (tenant.created, payment.failed, usage.limit_reached, …) on the same signed, retried delivery engine',
  'tenant-impersonations': 'Staff sessions that acted in the signed-in tenant, as its admins see them',
  'tenant-modules': 'The signed-in tenant’s module marketplace and entitlements: browse, subscribe (free trial or paid), cancel at period end, switch on and off',
  'tenant-billing': 'The signed-in tenant’s billing: invoices, credit notes and their PDFs, payments, the payment method on file, paying an open invoice, the credit balance',
  payments: 'Payments across the platform (failed ones with status=failed): offline payments recorded against an invoice, charges of the card on file through the payment gateway',
  'credit-notes': 'Credit notes (CN-YYYY-NNNNNN): refunds, goodwill credit and corrections of finalized invoices, their PDFs; a tenant\'s credit balance',
  dunning: 'Collection of unpaid invoices: the retry schedule and grace days, invoices in dunning, pausing enforcement for a tenant',
  invoices: 'Invoices across the platform: manual invoices, finalize (gapless numbers per year), void, mark uncollectible, PDF',
  'tenant-subscription': 'The signed-in tenant’s plan subscription: licenses, costs and days left; add or remove licenses, change plan (with a preview of the charges and what breaks), cancel at period end',
  'tenant-notes': 'Staff notes on a tenant',
  'tenant-profile': 'The signed-in tenant’s profile and settings',
  'tenant-quota': 'The signed-in tenant’s plan, billing state and allowances',
  'tenant-usage': 'The signed-in tenant’s usage counters',
  'tenant-users': 'Tenant user management by the tenant’s admins',
  'two-factor':
    'Staff two-factor authentication (TOTP, RFC 6238): enroll an authenticator app, recovery codes, status, turning it off, and the second step of a challenged staff sign-in (POST …/2fa/verify)',
  tenants: 'Tenant provisioning, list, detail and lifecycle',
  usage: 'Usage counters, recalculation and daily history',
};

/**
 * Tag of a tenant-side operation whose controller shares its tag with the staff side, so that
 * staff and tenant operations never share a tag (and so a tag group).
 */
const TENANT_SIDE_TAGS: Record<string, string> = { audit: 'tenant-audit', impersonation: 'tenant-impersonations', quotas: 'tenant-quota', usage: 'tenant-usage' };

/**
 * Tag groups (`x-tagGroups`, shown by Redoc-style viewers) and the order of tags within them, as
 * README's first walk goes: sign in, plans, tenants, the tenant's users and settings,
 * impersonation, audit. A tag not listed joins the group of its operations' side.
 */
const TAG_GROUPS: { name: string; tags: string[] }[] = [
  { name: 'Authentication', tags: ['auth', 'two-factor'] },
  { name: 'Platform administration', tags: ['dashboard', 'plans', 'modules', 'tenants', 'subscriptions', 'coupons', 'invoices', 'payments', 'credit-notes', 'dunning', 'revenue', 'quotas', 'usage', 'tenant-notes', 'impersonation', 'audit', 'compliance', 'alerts', 'tenant-health', 'service-clients', 'platform-webhooks', 'notifications', 'staff', 'system'] },
  { name: 'Tenant self-service', tags: ['tenant-users', 'tenant-profile', 'tenant-subscription', 'tenant-modules', 'tenant-billing', 'tenant-quota', 'tenant-usage', 'tenant-impersonations', 'tenant-audit', 'tenant-backups', 'tenant-integrations', 'tenant-notifications'] },
  { name: 'Product-module API', tags: ['service'] },
  { name: 'Operations', tags: ['jobs', 'exports', 'health', 'problems', 'maintenance', 'rate-limits'] },
];

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
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A partner API key (cpk_live_…), on the tenant routes that name a partner scope' }, 'apiKey')
    .addServer('/', 'This server')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  withTagGroups(document);
  withoutQueryExamples(document);
  withWalkExamples(document);
  withIntegerQuantities(document);
  const access = routeAccess(app);
  withAccessAndEffects(document, access);
  withRouteProblemExamples(document, access);
  withPathParameterDescriptions(document);
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

/** OpenAPI extension listing the staff roles a platform route admits. */
export const STAFF_ROLES_EXTENSION = 'x-staff-roles';

/** Who may call a route, read from its auth decorators the way the guards read them. */
interface RouteAccess {
  isPublic: boolean;
  /** `null`: any signed-in principal (`@AnyPrincipal()`); `undefined`: none declared (the guard refuses). */
  policy: AuthPolicy | null | undefined;
}

/** Swagger's metadata key of `@ApiOperation()` (holds the operationId). */
const API_OPERATION_METADATA = 'swagger/apiOperation';

/**
 * The access rules of every route, by operationId: `@Public()`, `@PlatformAuth()`, `@TenantAuth()`
 * and `@AnyPrincipal()`, the handler's overriding its controller's (as the guards resolve them).
 */
function routeAccess(app: INestApplication): Map<string, RouteAccess> {
  const byOperation = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      // Handlers a controller inherits (routes shared by a base class) count as its own.
      const handlers = new Map<string, unknown>();
      for (let proto: object | null = controller.prototype as object; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
        for (const n of Object.getOwnPropertyNames(proto)) if (!handlers.has(n)) handlers.set(n, Object.getOwnPropertyDescriptor(proto, n)?.value);
      }
      for (const [name, value] of handlers) {
        const handler = value as object | undefined;
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const operationId = (Reflect.getMetadata(API_OPERATION_METADATA, handler) as { operationId?: string } | undefined)?.operationId ?? `${controller.name}_${name}`;
        const own = <T>(key: string): T | undefined => {
          const fromHandler = Reflect.getMetadata(key, handler) as T | undefined;
          return fromHandler !== undefined ? fromHandler : (Reflect.getMetadata(key, controller) as T | undefined);
        };
        byOperation.set(operationId, { isPublic: own<boolean>(IS_PUBLIC) === true, policy: own<AuthPolicy | null>(AUTH_POLICY) });
      }
    }
  }
  return byOperation;
}

/** "a, b or c" */
function listed(words: readonly string[]): string {
  const quoted = words.map((w) => `\`${w}\``);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The "who may call" sentence of an operation's description. */
function whoMayCall(access: RouteAccess | undefined): string {
  if (!access) return 'Who may call: see the security requirement.';
  if (access.isPublic) return 'Who may call: anyone; no token is needed.';
  const { policy } = access;
  if (policy === null) return 'Who may call: any signed-in principal (platform staff or tenant user).';
  if (policy === undefined) return 'Who may call: nobody (the route declares no access rule and is refused).';
  if (policy.kind === 'service') {
    const scopes = policy.scopes ?? [];
    return `Who may call: product-module services (an OAuth 2.0 client-credentials token from POST /api/v1/oauth/token)${scopes.length ? ` granted the scope ${listed(scopes)}` : ''}; the tenant is a parameter.`;
  }
  if (policy.kind === 'platform') {
    return policy.roles.length && policy.roles.length < STAFF_ROLES.length
      ? `Who may call: platform staff with role ${listed(policy.roles)}.`
      : `Who may call: any platform staff (${listed(STAFF_ROLES)}).`;
  }
  const roles = policy.roles.length && policy.roles.length < TENANT_ROLES.length ? `tenant users with role ${listed(policy.roles)}` : `any user of the tenant (${listed(TENANT_ROLES)})`;
  return `Who may call: ${roles}; the tenant is always the token's.`;
}

const READ_METHODS = new Set(['get', 'head', 'options']);

const SUCCESS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No content' };

/**
 * Completes what Swagger UI shows of each operation from its route metadata: a description that
 * says who may call it and what it changes (after any hand-written one), `security: []` on public
 * routes and each security requirement once elsewhere, and a description on every success
 * response (`OK: TenantDto`).
 */
function withAccessAndEffects(document: OpenAPIObject, access: Map<string, RouteAccess>): void {
  for (const { method, op } of operationsOf(document)) {
    const route = op.operationId ? access.get(op.operationId) : undefined;
    if (route?.isPublic) op.security = [];
    else if (op.security) op.security = [...new Map(op.security.map((s) => [JSON.stringify(s), s])).values()];
    const effect = READ_METHODS.has(method)
      ? `Changes nothing. Returns: ${lowerFirst(op.summary ?? 'the resource')}.`
      : `Changes: ${lowerFirst(op.summary ?? 'the resource')}. Each call, allowed or refused, is recorded in the audit log.`;
    // The staff roles a platform route admits, for clients and the role-matrix contract test (docs/staff-role-matrix.md).
    if (route?.policy?.kind === 'platform') (op as Record<string, unknown>)[STAFF_ROLES_EXTENSION] = route.policy.roles.length ? [...route.policy.roles] : [...STAFF_ROLES];
    const impersonation = op[IMPERSONATION_EXTENSION] === 'denied' ? ' Refused to an impersonation token (403 `impersonation_forbidden`).' : '';
    op.description = [op.description, `${whoMayCall(route)}${impersonation}`, effect].filter(Boolean).join('\n\n');
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (!/^[23]/.test(status) || response.description) continue;
      const ref = response.content?.['application/json']?.schema?.$ref?.split('/').pop();
      response.description = `${SUCCESS_TEXT[status] ?? status}${ref ? `: ${ref}` : ''}`;
    }
  }
}

type ProblemExamples = Record<string, { summary?: string; value: Record<string, unknown> }>;

/** The examples of one error status of an operation, if it documents that status. */
function problemExamplesOf(op: DocOperation, status: string): ProblemExamples | undefined {
  const content = (op.responses?.[status] as { content?: Record<string, { examples?: ProblemExamples }> } | undefined)?.content;
  return content?.[PROBLEM_JSON]?.examples;
}

/** The 403 `forbidden` detail this route's policy guard would answer to a caller it refuses. */
function forbiddenDetail(route: RouteAccess | undefined): string | undefined {
  const policy = route?.policy;
  if (!policy) return undefined;
  if (policy.kind === 'service') return 'This route is for product-module services only; a service token may call only /api/v1/service routes.';
  const all: readonly string[] = policy.kind === 'platform' ? STAFF_ROLES : TENANT_ROLES;
  const refused = policy.roles.length ? all.find((role) => !policy.roles.includes(role as never)) : undefined;
  if (refused) return `Your role (${refused}) may not perform this action.`;
  return policy.kind === 'platform' ? 'This route is for platform staff only.' : 'This route is for tenant users only.';
}

/** The first field a caller of `op` sends: a required body property, else any body property, else a query or path parameter. */
function firstFieldOf(document: OpenAPIObject, op: DocOperation & { requestBody?: { content?: Record<string, { schema?: { $ref?: string; required?: string[]; properties?: Record<string, unknown> } }> } }): string | undefined {
  // A multipart form (a file upload) declares its fields inline.
  const form = op.requestBody?.content?.['multipart/form-data']?.schema;
  if (form?.properties) return form.required?.[0] ?? Object.keys(form.properties)[0];
  const ref = op.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
  const schema = ref ? (document.components?.schemas?.[ref] as { required?: string[]; properties?: Record<string, unknown> } | undefined) : undefined;
  return schema?.required?.[0] ?? Object.keys(schema?.properties ?? {})[0] ?? op.parameters?.find((p) => p.in === 'query')?.name ?? op.parameters?.find((p) => p.in === 'path')?.name;
}

/**
 * Makes the catalog's generic error examples true of each operation: the 403 `forbidden`
 * example says what this route's policy guard answers (the role it refuses, or "for tenant
 * users only"); a route denied during impersonation shows `impersonation_forbidden`; the 400
 * `validation_failed` example names a field the operation actually takes.
 */
function withRouteProblemExamples(document: OpenAPIObject, access: Map<string, RouteAccess>): void {
  for (const { op } of operationsOf(document)) {
    const route = op.operationId ? access.get(op.operationId) : undefined;
    const forbidden = problemExamplesOf(op, '403');
    const detail = forbiddenDetail(route);
    if (forbidden?.forbidden && detail) forbidden.forbidden = { ...forbidden.forbidden, value: { ...forbidden.forbidden.value, detail } };
    if (op[IMPERSONATION_EXTENSION] === 'denied' && forbidden && !forbidden.impersonation_forbidden) {
      const entry = errorEntry('impersonation_forbidden')!;
      forbidden.impersonation_forbidden = { summary: `${entry.code}: ${entry.title}`, value: problemExample(entry) };
    }
    // Open to every signed-in principal: no policy guard refuses it, so `forbidden` is not an answer.
    if (route?.policy === null && forbidden?.forbidden && Object.keys(forbidden).length > 1) delete forbidden.forbidden;
    const invalid = problemExamplesOf(op, '400')?.validation_failed;
    const field = firstFieldOf(document, op);
    if (invalid && field) {
      invalid.value = { ...invalid.value, detail: `Invalid request: ${field}`, errors: [{ field, message: `${field} is invalid (each invalid field is listed here with the reason)` }] };
    }
  }
}

/**
 * Path parameters say what they are: an `…Id` is a UUID, the `id` of the resource it names (where
 * to find it is the operation's list or create response).
 */
function withPathParameterDescriptions(document: OpenAPIObject): void {
  for (const { op } of operationsOf(document)) {
    for (const param of op.parameters ?? []) {
      if (param.in !== 'path' || param.description) continue;
      const resource = /^(.+)Id$/.exec(param.name ?? '')?.[1];
      if (!resource) continue;
      const words = resource.replace(/([A-Z])/g, ' $1').toLowerCase();
      param.description = PATH_ID_DESCRIPTIONS[param.name!] ?? `The ${words}'s \`id\` (UUID), as its list and create responses return it.`;
      const schema = param.schema as { type?: string; format?: string } | undefined;
      if (schema?.type === 'string' && !schema.format) schema.format = 'uuid';
    }
  }
}

/** Where a newcomer finds the ids of the README walk. */
const PATH_ID_DESCRIPTIONS: Record<string, string> = {
  tenantId: "The tenant's `id` (UUID): `tenant.id` of `POST /api/v1/admin/tenants`, or a row's `id` in `GET /api/v1/admin/tenants`.",
  planId: "The plan's `id` (UUID), from `GET /api/v1/admin/plans` or `POST /api/v1/admin/plans`.",
  userId: "The tenant user's `id` (UUID), from `GET /api/v1/tenant/users` or `POST /api/v1/tenant/users`.",
  staffId: "The staff member's `id` (UUID), from `GET /api/v1/admin/staff`.",
  sessionId: "The impersonation session's `id` (UUID), from `POST /api/v1/admin/impersonations` or its list.",
  noteId: "The note's `id` (UUID), from `GET /api/v1/admin/tenants/{tenantId}/notes`.",
};

/** `Search tenants` → `search tenants` (an acronym such as `ETag` keeps its case). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Names of quantities that are whole numbers (money in minor units, counts, page bounds). */
const INTEGER_NAME = /(Cents|Count)$|^(limit|offset|total)$/;

/**
 * Page bounds and counts declared in shared decorators as plain numbers (`limit`, `offset`,
 * `total`, `*Cents`, `*Count`) are integers in the contract, in schemas and in query parameters.
 */
function withIntegerQuantities(document: OpenAPIObject): void {
  const toInteger = (schema: { type?: unknown } | undefined) => {
    if (!schema) return;
    if (schema.type === 'number') schema.type = 'integer';
    else if (Array.isArray(schema.type)) schema.type = schema.type.map((t: unknown) => (t === 'number' ? 'integer' : t));
  };
  for (const schema of Object.values((document.components?.schemas ?? {}) as Record<string, { properties?: Record<string, { type?: unknown }> }>)) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) if (INTEGER_NAME.test(name)) toInteger(property);
  }
  for (const { op } of operationsOf(document)) {
    for (const param of op.parameters ?? []) if (param.in === 'query' && INTEGER_NAME.test(param.name ?? '')) toInteger(param.schema as { type?: unknown });
  }
}

/**
 * Gives tenant-side operations their own tags ({@link TENANT_SIDE_TAGS}), then lists the tags and
 * their `x-tagGroups` in {@link TAG_GROUPS} order.
 */
function withTagGroups(document: OpenAPIObject): void {
  const sideOf = new Map<string, string>();
  for (const { path, op } of operationsOf(document)) {
    const tenantSide = path.startsWith(`/${API_PREFIX}/tenant`);
    op.tags = op.tags?.map((tag) => (tenantSide && !tag.startsWith('tenant-') ? (TENANT_SIDE_TAGS[tag] ?? `tenant-${tag}`) : tag));
    const side = tenantSide ? 'Tenant self-service' : path.startsWith(`/${API_PREFIX}/admin`) ? 'Platform administration' : 'Operations';
    for (const tag of op.tags ?? []) if (!sideOf.has(tag)) sideOf.set(tag, side);
  }
  const groups = TAG_GROUPS.map((g) => ({ name: g.name, tags: g.tags.filter((t) => sideOf.has(t)) }));
  const placed = new Set(groups.flatMap((g) => g.tags));
  for (const [tag, side] of [...sideOf].sort(([a], [b]) => a.localeCompare(b))) {
    if (!placed.has(tag)) groups.find((g) => g.name === side)!.tags.push(tag);
  }
  // Swagger UI shows no x-tagGroups: each tag's description starts with its group instead.
  document.tags = groups.flatMap((g) => g.tags.map((name) => ({ name, description: `${g.name} — ${TAG_DESCRIPTIONS[name] ?? name}` })));
  (document as OpenAPIObject & { 'x-tagGroups'?: unknown })['x-tagGroups'] = groups.filter((g) => g.tags.length);
}

/** An operation as the post-processing steps of {@link buildOpenApiDocument} see it. */
type DocOperation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  parameters?: { name?: string; in?: string; description?: string; example?: unknown; examples?: unknown; schema?: { example?: unknown } }[];
  [extension: `x-${string}`]: unknown;
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
