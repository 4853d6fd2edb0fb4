// ESLint flat config: typescript-eslint recommended. Import boundaries and cycles: .dependency-cruiser.cjs.
import js from '@eslint/js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FORWARD_REF = { selector: "CallExpression[callee.name='forwardRef']", message: 'No forwardRef: react to an event or move the shared piece to common/ (CONVENTIONS §2).' };

/**
 * The tenant-owned entities, read from the source: every class under src/ marked `@TenantOwned()`
 * (src/database/tenant-scoped.repository.ts), with its table name. A new tenant-owned entity joins
 * the rule below by carrying the marker, and test/e2e/tenancy/tenant-owned-entities.e2e-spec.ts
 * fails for an entity with a tenantId column that lacks it, so the rule cannot silently miss one.
 * Throws (ESLint then refuses to run) when a marked entity has no explicit table name, or when none
 * is found at all: a rule built from an empty list would pass everything.
 */
function tenantOwnedEntities() {
  const src = fileURLToPath(new URL('./src/', import.meta.url));
  const found = [];
  for (const file of readdirSync(src, { recursive: true })) {
    if (!String(file).endsWith('.ts') || String(file).endsWith('.spec.ts')) continue;
    const text = readFileSync(join(src, String(file)), 'utf8');
    if (!text.includes('@TenantOwned(')) continue;
    let from = 0;
    for (const m of text.matchAll(/^export\s+(?:abstract\s+)?class\s+(\w+)/gm)) {
      const decorators = text.slice(from, m.index);
      from = m.index + m[0].length;
      if (!/^@TenantOwned\(\)/m.test(decorators)) continue;
      const table = /@Entity\(\s*\{[^}]*\bname:\s*'([a-z0-9_]+)'/.exec(decorators)?.[1];
      if (!table) throw new Error(`eslint.config.mjs: @TenantOwned() entity ${m[1]} (src/${file}) needs an explicit @Entity({ name }) for the tenant-owned-access rule.`);
      found.push({ name: m[1], table });
    }
  }
  if (!found.length) throw new Error('eslint.config.mjs: no @TenantOwned() entity found under src/; the tenant-owned-access rule would be empty.');
  return found;
}

const TENANT_OWNED = tenantOwnedEntities();
const TENANT_OWNED_CLASSES = TENANT_OWNED.map((e) => e.name).join('|');
const TENANT_OWNED_TABLES = TENANT_OWNED.map((e) => e.table).join('|');
const TENANT_SCOPE_MESSAGE =
  'Tenant-owned entity or table: reach it through TenantScopedRepository (src/database/tenant-scoped.repository.ts), ' +
  'or, for code that legitimately works across tenants, add the file to the tenant-owned-access allow-list in eslint.config.mjs with the reason (CONVENTIONS §4, docs/adr/0013).';
/**
 * tenant-owned-access: no repository, query builder, EntityManager call or SQL text on a
 * tenant-owned entity outside TenantScopedRepository. Catches `x.getRepository(E)`,
 * `x.createQueryBuilder(E, …)`, `x.find(E, …)` and any other method call whose first argument is
 * a marked class, `@InjectRepository(E)`, and string or template literals that read or write a
 * tenant-owned table (`FROM|JOIN|UPDATE|INTO <table>`).
 */
const TENANT_OWNED_ACCESS = [
  { selector: `CallExpression[callee.type='MemberExpression'][arguments.0.type='Identifier'][arguments.0.name=/^(${TENANT_OWNED_CLASSES})$/]`, message: TENANT_SCOPE_MESSAGE },
  { selector: `CallExpression[callee.name='InjectRepository'][arguments.0.name=/^(${TENANT_OWNED_CLASSES})$/]`, message: TENANT_SCOPE_MESSAGE },
  { selector: `Literal[value=/\\b(FROM|JOIN|UPDATE|INTO)\\s+"?(${TENANT_OWNED_TABLES})\\b/i]`, message: TENANT_SCOPE_MESSAGE },
  { selector: `TemplateElement[value.raw=/\\b(FROM|JOIN|UPDATE|INTO)\\s+"?(${TENANT_OWNED_TABLES})\\b/i]`, message: TENANT_SCOPE_MESSAGE },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/support/openapi.d.ts', 'eslint.config.mjs', 'jest.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', FORWARD_REF],
    },
  },
  {
    // Inside a request's transaction, work done through the DataSource runs on a second pooled
    // connection; waiting there on a row lock the transaction holds hangs both forever (PostgreSQL
    // cannot see a deadlock that spans two connections). Services use TransactionHost.tx, which is
    // the transaction when one runs and the pool otherwise; side effects that must survive a
    // rollback go through UnitOfWork.afterTransaction.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'typeorm', importNames: ['DataSource'], message: 'Use TransactionHost.tx (and UnitOfWork.afterTransaction for effects that must survive a rollback); see docs/adr/0007.' }] }],
    },
  },
  {
    // Allowed: the data-source plumbing, and code that by construction never runs inside a
    // transaction — the outbox relay and dispatcher (after commit, Bull jobs), the idempotency
    // sweep (a Bull job) and the audit row of a failed request (written after its rollback).
    files: [
      'src/database/**/*.ts',
      'src/common/events/outbox-relay.ts',
      'src/common/events/outbox-dispatcher.ts',
      'src/common/http/idempotency-cleanup.processor.ts',
      'src/modules/audit/audit.service.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // tenant-owned-access (docs/adr/0013): on tenant routes a tenant-owned row is reachable only
    // through TenantScopedRepository, whose where, values and query builder cannot lose the tenant.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', FORWARD_REF, ...TENANT_OWNED_ACCESS] },
  },
  {
    // tenant-owned-access allow-list: code that by its purpose works across tenants, or is given
    // the tenant by something other than a tenant route's token. Each entry says why.
    files: [
      // The tenant data erasers delete one purged tenant's rows from each table they own (docs/adr/0008).
      'src/modules/*/*-data.eraser.ts',
      // The personal data erasers export, erase and pseudonymise one tenant's or one person's rows in
      // the tables their context owns; the tenant is the compliance request's, not a token's (docs/compliance.md).
      'src/modules/**/*-personal-data.eraser.ts',
      // Compliance requests are staff-only and span tenants (the tenantId is a route parameter and a
      // filter); their purge eraser, the audit-trail pseudonymisation (one tenant's rows, under the
      // database's pseudonymisation allowance) and the job's item totals by job id.
      'src/modules/compliance/compliance-requests.service.ts',
      'src/modules/compliance/compliance-work.service.ts',
      'src/modules/compliance/compliance-data.eraser.ts',
      'src/modules/compliance/audit-trail-pseudonymisation.ts',
      // The audit writer records every request's row, for whichever tenant the request touched (or none).
      'src/modules/audit/audit.service.ts',
      // The audit hash chains are one per tenant by construction: staff verify the chain their route
      // names (or the platform's); the daily job seals the head of every tenant's chain (docs/adr/0029).
      'src/modules/audit/chain/audit-chain.service.ts',
      // Sign-in finds the tenant by slug first, then the user in it; refresh and the account checks
      // load the principal named by a refresh token, whose tenant is only known from the row; /auth/me
      // and the own password change load the caller (staff or tenant user) by the token's subject.
      'src/modules/iam/auth.service.ts',
      // Refresh tokens are found by their hash and revoked by family or principal, for staff and
      // tenant users alike; the tenant is a fact of the row, not an input.
      'src/modules/iam/token.service.ts',
      // A partner's API key is found by its prefix before its tenant is known (the key names it),
      // and the batched last-use update writes keys of many tenants at once.
      'src/modules/integrations/partners/api-keys.service.ts',
      // Webhooks: one table holds tenant endpoints and platform webhooks (tenant_id NULL), so the
      // services filter by the caller's scope (`tenant_id = $tenant` or `IS NULL`, never absent);
      // the delivery engine fans one event out to its tenant's and the platform's endpoints and
      // works on messages by id across tenants (attempts, sweep, prune).
      'src/modules/integrations/webhooks/webhook-delivery.service.ts',
      'src/modules/integrations/webhooks/webhook-endpoints.service.ts',
      'src/modules/integrations/webhooks/webhook-messages.service.ts',
      // Notifications: the fan-out inserts one event's notifications for many recipients in one
      // statement (tenant_id is its first parameter), and the inbox serves a tenant user (keyed by
      // tenant and user) or a staff member (no tenant) from the same queries.
      'src/modules/notifications/notification-dispatcher.ts',
      'src/modules/notifications/inbox.service.ts',
      // Reacts to user events after commit (no request tenant): reads the user the event names.
      'src/modules/iam/listeners/sync-access-when-user-status-changes.listener.ts',
      // Staff impersonation: start, end and the platform-wide list filter by an optional tenantId
      // parameter on /admin routes. (The tenant side, listForTenant, already uses the scope.)
      'src/modules/impersonation/impersonation.service.ts',
      // The plans context's per-tenant facades: quota rows are keyed by tenant_id (one row per
      // tenant, the primary key), read and row-locked by the tenantId their callers pass, and the
      // billing-suspension mirror scans all suspended tenants.
      'src/modules/plans/quota.service.ts',
      'src/modules/plans/tenant-quota.service.ts',
      'src/modules/plans/listeners/mirror-billing-suspension.listener.ts',
      // Request rates: one tenant's row by the tenantId the caller passes (the traffic guard, staff
      // routes), and the staff list of every tenant's effective rate.
      'src/modules/plans/tenant-rate-limits.service.ts',
      // The usage context's per-tenant counters (one row per tenant, keyed by tenant_id; atomic
      // conditional UPDATEs for seats) and the recount job, which walks every tenant.
      'src/modules/usage/usage-counters.service.ts',
      'src/modules/usage/usage-recalculation.service.ts',
      'src/modules/usage/usage.service.ts',
      // Usage series: staff and services name the tenant as a route parameter (the tenant route
      // passes its own), and every query filters usage_events / snapshots by that tenant_id.
      'src/modules/usage/usage-series.service.ts',
      // Tenant health for staff: a read model over several contexts' tables of the tenant named by
      // the /admin route (every subquery filters by that tenant_id), the daily snapshot of every
      // tenant, and the platform-wide summary.
      'src/modules/notifications/health/tenant-health.service.ts',
      // The job mechanism runs, leases and sweeps every tenant's jobs; the staff jobs API lists them
      // across tenants (tenant routes read their own through TenantScopedRepository).
      'src/common/jobs/jobs.ts',
      'src/modules/platform/jobs/job-queries.service.ts',
      // Export sources stream the rows of the tenant the export names (tenantId filter, forced to
      // the caller's tenant on tenant routes) or, for staff, of every tenant; the staff export list
      // spans tenants (tenant routes read theirs through TenantScopedRepository).
      'src/modules/audit/audit-export.source.ts',
      'src/modules/tenants/tenants-export.source.ts',
      'src/modules/usage/usage-export.source.ts',
      'src/modules/billing/billing-export.sources.ts',
      'src/modules/platform/exports/exports.service.ts',
      'src/modules/platform/exports/platform-data.eraser.ts',
      // Bulk tenant actions count their job's items (job_items) by job id.
      'src/modules/tenants/bulk/tenant-bulk-actions.service.ts',
      // Backup housekeeping removes every tenant's archives past their hour and stale restore uploads
      // (a scheduled job across tenants; each row's file is its own).
      'src/modules/tenants/backups/backup-files.purge.ts',
      // The staff tenant list's read-model fragment: the latest snapshot of the row's own tenant.
      'src/modules/notifications/health/health-read-model.ts',
      // Super-admin alerts are platform-wide: rules cover many tenants (scope all, a plan, a tag),
      // the evaluator scans tenants per rule, and staff list alerts across tenants (tenantId filter).
      'src/modules/notifications/alerts/alerts.service.ts',
      'src/modules/notifications/alerts/alert-evaluator.ts',
      // Metering from product-module services: the tenant is a parameter of the service route
      // (never a token's), and one usage batch writes the events and counters of many tenants in
      // set-based statements, each row carrying its tenant_id.
      'src/modules/usage/metering/metering.service.ts',
      'src/modules/usage/metering/usage-thresholds.ts',
      // Staff tenant list and detail (read models across tenants, docs/adr/0004), and the tenant's
      // own profile, which reads its quota row by the tenantId it is given.
      'src/modules/tenants/tenant-queries.service.ts',
      // Billing's read-model fragment for those lists: a join on each listed tenant's one plan
      // subscription (the tenant comes from the joined row, docs/adr/0004).
      'src/modules/billing/subscription-summary.ts',
      // The platform-wide subscriptions list for staff (an optional tenantId filter on an /admin route).
      'src/modules/billing/subscription-queries.service.ts',
      // The billing lifecycle job walks every tenant's due subscriptions (trial ends, renewals).
      'src/modules/billing/billing-lifecycle.service.ts',
      // Staff invoice routes name an invoice by id alone and list across tenants (an optional tenantId
      // filter); the tenant routes use the scope.
      'src/modules/billing/invoicing/invoices.service.ts',
      'src/modules/billing/invoicing/payments.service.ts',
      // Collection and dunning run across tenants (the lifecycle's due payments, overdue invoices and
      // cases of every tenant; a job knows a payment by id alone); per-tenant reads use the scope.
      'src/modules/billing/collection/payment-collection.service.ts',
      'src/modules/billing/collection/dunning.service.ts',
      // Staff name a payment, refund or credit note by id alone and list credit notes across tenants;
      // jobs know a refund by id. Tenant reads use the scope.
      'src/modules/billing/collection/refunds.service.ts',
      'src/modules/billing/collection/credit-notes.service.ts',
      'src/modules/billing/collection/credit-balance.ts',
      // Revenue metrics aggregate MRR movements, trial history, subscriptions and payments across the
      // whole platform (staff /admin/billing/metrics), and the rebuild walks every tenant's history.
      'src/modules/billing/revenue/revenue-metrics.service.ts',
      'src/modules/billing/revenue/mrr-rebuild.service.ts',
      // The monthly rollup sums every tenant's movements into the platform's month totals.
      'src/modules/billing/revenue/mrr-rollup.service.ts',
      // System visibility for staff: the dashboard counts tenants, trials, users, MRR, usage outliers
      // and alerts across the whole platform; the system metrics sum webhook attempts of every endpoint.
      'src/modules/platform/system/dashboard.service.ts',
      'src/modules/platform/system/system-metrics.service.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', FORWARD_REF] },
  },
);
