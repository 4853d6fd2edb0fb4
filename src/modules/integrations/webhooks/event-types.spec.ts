import Ajv2020 from 'ajv/dist/2020';
import * as couponEvents from '../../billing/events/coupon.events';
import * as invoiceEvents from '../../billing/events/invoice.events';
import * as moduleEvents from '../../billing/events/module.events';
import * as paymentEvents from '../../billing/events/payment.events';
import * as subscriptionEvents from '../../billing/events/subscription.events';
import * as staffEvents from '../../iam/events/staff.events';
import * as tenantUserEvents from '../../iam/events/tenant-user.events';
import * as impersonationEvents from '../../impersonation/events/impersonation.events';
import * as planEvents from '../../plans/events/plan.events';
import * as tenantEvents from '../../tenants/events/tenant.events';
import * as usageEvents from '../../usage/events/usage.events';
import * as integrationEvents from '../events/webhook.events';
import * as healthEvents from '../../notifications/events/health.events';
import * as alertEvents from '../../notifications/events/alert.events';
import { WEBHOOK_EVENT_TYPES, webhookEventType, type WebhookEventType } from './event-types';

/** Domain events that are internal, never offered to webhooks. */
const INTERNAL_EVENTS = new Set(['usage.recalculation_requested']);

const EVENT_MODULES: Record<string, unknown>[] = [
  couponEvents,
  invoiceEvents,
  moduleEvents,
  paymentEvents,
  subscriptionEvents,
  staffEvents,
  tenantUserEvents,
  impersonationEvents,
  planEvents,
  tenantEvents,
  integrationEvents,
  healthEvents,
  alertEvents,
  usageEvents,
];

/** The static eventName of every exported event class of `modules`. */
function eventNames(modules: Record<string, unknown>[]): Set<string> {
  const names = new Set<string>();
  for (const mod of modules) {
    for (const value of Object.values(mod)) {
      if (typeof value !== 'function') continue;
      const name = (value as { eventName?: unknown }).eventName;
      if (typeof name === 'string') names.add(name);
    }
  }
  return names;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An Ajv (draft 2020-12) that checks the formats the catalog uses (ajv-formats is not a dependency). */
function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date', (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
  ajv.addFormat('date-time', (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  return ajv;
}

describe('webhook event types', () => {
  const types = WEBHOOK_EVENT_TYPES.map((e) => e.type);

  it.each(WEBHOOK_EVENT_TYPES.map((e) => [e.type, e] as const))('%s: the example validates against the schema', (_type, entry: WebhookEventType) => {
    const validate = makeAjv().compile(entry.schema);
    const ok = validate(entry.example);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects an example that breaks its schema', () => {
    const entry = webhookEventType('invoice.paid')!;
    const validate = makeAjv().compile(entry.schema);
    expect(validate({ ...entry.example, totalCents: '348.00' })).toBe(false);
    const { invoiceId: _omitted, ...missing } = entry.example;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...entry.example, invoiceId: 'not-a-uuid' })).toBe(false);
    const tenant = webhookEventType('tenant.deleted')!;
    expect(makeAjv().compile(tenant.schema)({ ...tenant.example, deletedAt: '12/06/2025' })).toBe(false);
  });

  it('lists each type once, sorted', () => {
    expect(new Set(types).size).toBe(types.length);
    expect([...types]).toEqual([...types].sort());
  });

  it('covers exactly the published domain events', () => {
    const published = [...eventNames(EVENT_MODULES)].filter((n) => !INTERNAL_EVENTS.has(n)).sort();
    expect(published).toContain('webhook.endpoint_disabled');
    expect([...types]).toEqual(published);
  });

  it('requires only properties it declares, and describes every entry', () => {
    for (const entry of WEBHOOK_EVENT_TYPES) {
      const { type, properties, required, additionalProperties } = entry.schema as { type: string; properties: Record<string, unknown>; required: string[]; additionalProperties: unknown };
      expect({ type: entry.type, schemaType: type, additionalProperties }).toEqual({ type: entry.type, schemaType: 'object', additionalProperties: true });
      expect({ type: entry.type, missing: required.filter((r) => !(r in properties)) }).toEqual({ type: entry.type, missing: [] });
      expect(entry.description.length).toBeGreaterThan(0);
      expect(entry.audiences.length).toBeGreaterThan(0);
    }
  });

  it('offers staff, catalog, post-deletion and risk events to platform webhooks only', () => {
    const platformOnly = WEBHOOK_EVENT_TYPES.filter((e) => !e.audiences.includes('tenant')).map((e) => e.type);
    expect(platformOnly).toEqual(['alert.opened', 'alert.resolved', 'module.created', 'module.updated', 'plan.created', 'plan.updated', 'staff.created', 'staff.updated', 'tenant.deleted', 'tenant.purged', 'tenant.risk_changed']);
    for (const e of WEBHOOK_EVENT_TYPES) expect(e.audiences).toContain('platform');
  });

  it('looks an entry up by type', () => {
    expect(webhookEventType('user.created')?.type).toBe('user.created');
    expect(webhookEventType('usage.recalculation_requested')).toBeUndefined();
  });
});
