/**
 * The catalog of event types outbound webhooks can subscribe to: for each, its name on the wire,
 * who may subscribe, a JSON Schema (draft 2020-12) of its `payload` and an example payload.
 * Amounts are integers in minor units of `currency` (cents); timestamps are UTC ISO 8601 strings.
 */

/** Who may subscribe to an event type: `tenant` endpoints receive their own tenant's events; `platform` webhooks (super admins) receive events across tenants. */
export type WebhookAudience = 'tenant' | 'platform';

/** One event type of the webhook catalog. */
export interface WebhookEventType {
  /** The event's name on the wire, e.g. `user.created` (the static eventName of its DomainEvent class). */
  type: string;
  /** One sentence for integrators: what happened. */
  description: string;
  /** Who may subscribe (a tenant-scoped event is usually ['tenant', 'platform']; staff/catalog events only ['platform']). */
  audiences: readonly WebhookAudience[];
  /** JSON Schema (draft 2020-12 style plain object: type, properties, required, additionalProperties: true) of the event's `payload`. */
  schema: Record<string, unknown>;
  /** A realistic example payload that validates against `schema`. */
  example: Record<string, unknown>;
}

/** Example catalog codes (a module's and a plan's code in example payloads). */
const EXAMPLE_MODULE_CODE = 'automations';
const EXAMPLE_PLAN_CODE = 'pro';

type Schema = Record<string, unknown>;

/** Events of one tenant: its own endpoints and platform webhooks receive them. */
const TENANT: readonly WebhookAudience[] = Object.freeze(['tenant', 'platform'] as const);
/** Staff, product catalog and post-mortem tenant events: platform webhooks only. */
const PLATFORM: readonly WebhookAudience[] = Object.freeze(['platform'] as const);

const str = (description?: string): Schema => (description ? { type: 'string', description } : { type: 'string' });
const uuid = (description?: string): Schema => ({ type: 'string', format: 'uuid', ...(description ? { description } : {}) });
const dateTime = (description?: string): Schema => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
const int = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
const cents = (description: string): Schema => ({ type: 'integer', description: `${description}, in minor units of \`currency\` (cents)` });
const bool = (description?: string): Schema => (description ? { type: 'boolean', description } : { type: 'boolean' });
const strings = (description?: string): Schema => ({ type: 'array', items: { type: 'string' }, ...(description ? { description } : {}) });
const oneOf = (values: readonly string[], description?: string): Schema => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
/** `schema` that also admits null (its `type` becomes `[type, 'null']`; an enum gains null). */
const orNull = (schema: Schema): Schema => ({
  ...schema,
  type: [schema.type as string, 'null'],
  ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
});

/** A payload object schema: every listed property is required, extra properties are allowed (payloads may gain fields). */
function payload(properties: Record<string, Schema>): Schema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: true };
}

/** Deep-freezes a catalog value so consumers cannot alter the shared catalog. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const TENANT_FIELDS = {
  tenantId: uuid('The tenant.'),
  slug: str("The tenant's URL slug."),
};
const TENANT_EXAMPLE = { tenantId: '3f1c2a9e-8b7d-4c5e-9a01-2b3c4d5e6f70', slug: 'acme' };

const USER_FIELDS = {
  userId: uuid('The tenant user.'),
  email: { type: 'string', format: 'email' },
  role: str("The user's role in the tenant, e.g. admin or member."),
  isActive: bool('Whether the user may sign in (and takes a seat).'),
};
const USER_EXAMPLE = { userId: '7a9d1e42-5c3b-4f8a-b6d2-0e1f2a3b4c5d', email: 'jane.doe@acme.example', role: 'member', isActive: true };

const STAFF_FIELDS = {
  staffId: uuid('The platform staff member.'),
  email: { type: 'string', format: 'email' },
  role: str("The staff member's platform role, e.g. super_admin or support."),
  isActive: bool('Whether the staff member may sign in.'),
};
const STAFF_EXAMPLE = { staffId: 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f', email: 'sam@platform.example', role: 'support', isActive: true };

const CHANGED = strings('Names of the fields that changed.');

const SUBSCRIPTION_FIELDS = {
  subscriptionId: uuid('The subscription.'),
  kind: oneOf(['plan', 'module'], "`plan`: the tenant's plan subscription; `module`: an add-on module's."),
  itemCode: str('Code of the subscribed plan or module.'),
  status: str('Subscription status: trial, active, past_due, suspended or cancelled.'),
  interval: oneOf(['month', 'year'], 'Billing interval.'),
  quantity: orNull(int('Licence count; null when the item is not billed per licence.')),
  currency: str('ISO 4217 currency code, lower case.'),
  currentPeriodEnd: dateTime('End of the current billing period (UTC).'),
  trialEndsAt: orNull(dateTime('End of the trial (UTC); null without a trial.')),
};
const SUBSCRIPTION_EXAMPLE = {
  subscriptionId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  kind: 'plan',
  itemCode: 'pro',
  status: 'active',
  interval: 'month',
  quantity: 12,
  currency: 'eur',
  currentPeriodEnd: '2025-07-01T00:00:00.000Z',
  trialEndsAt: null,
};
const INVOICE_ID = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';

const MODULE_FIELDS = {
  moduleCode: str('Code of the module.'),
  moduleId: uuid('The module.'),
};
const MODULE_EXAMPLE = { moduleCode: 'automations', moduleId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b' };

const INVOICE_FIELDS = {
  invoiceId: uuid('The invoice.'),
  number: orNull(str('Invoice number; null while the invoice is a draft.')),
  status: str('Invoice status: draft, open, paid, void or uncollectible.'),
  billingReason: str('Why it was issued: subscription_create, subscription_cycle, subscription_update or manual.'),
  currency: str('ISO 4217 currency code, lower case.'),
  totalCents: cents('Invoice total'),
  amountDueCents: cents('Amount still due'),
};
const INVOICE_EXAMPLE = {
  invoiceId: INVOICE_ID,
  number: 'INV-2025-000142',
  status: 'open',
  billingReason: 'subscription_cycle',
  currency: 'eur',
  totalCents: 34800,
  amountDueCents: 34800,
};

const PAYMENT_FIELDS = {
  paymentId: uuid('The payment.'),
  invoiceId: uuid('The invoice it pays.'),
  invoiceNumber: orNull(str('Number of the invoice; null if it has none yet.')),
  amountCents: cents('Amount of the payment'),
  currency: str('ISO 4217 currency code, lower case.'),
  method: str('Payment method, e.g. card, bank_transfer, cheque, cash or other.'),
  gateway: str('The payment gateway that charged it, or offline (recorded by staff).'),
};
const PAYMENT_EXAMPLE = {
  paymentId: '2c3d4e5f-6a7b-4c8d-9e0f-a1b2c3d4e5f6',
  invoiceId: INVOICE_ID,
  invoiceNumber: 'INV-2025-000142',
  amountCents: 34800,
  currency: 'eur',
  method: 'card',
  gateway: 'stripe',
};

const IMPERSONATION_FIELDS = {
  sessionId: uuid('The impersonation session.'),
  staffId: uuid('The staff member impersonating.'),
  targetUserId: uuid('The tenant user impersonated.'),
  expiresAt: dateTime('When the session expires (UTC); its token cannot outlive it.'),
};
const IMPERSONATION_EXAMPLE = {
  sessionId: 'a4b5c6d7-e8f9-4a0b-9c1d-2e3f4a5b6c7d',
  staffId: 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f',
  targetUserId: '7a9d1e42-5c3b-4f8a-b6d2-0e1f2a3b4c5d',
  expiresAt: '2025-06-12T10:30:00.000Z',
};

const USAGE_THRESHOLD_FIELDS = {
  metric: str('Metric code, e.g. members, orgAdmins, projects, domains or automationsPerMonth.'),
  threshold: int('The crossed threshold, in percent of the limit: 80, 90 or 100.'),
  limit: int("The metric's limit."),
  used: int('Current use of the metric.'),
  periodStart: { type: 'string', format: 'date', description: 'First day (UTC, YYYY-MM-DD) of the usage period; 1970-01-01 for metrics that never reset.' },
};

const COUNTERS = { type: 'object', additionalProperties: { type: 'integer' } };

const CATALOG: WebhookEventType[] = [
  {
    type: 'alert.opened',
    description: 'A super-admin alert opened (its rule’s condition holds for a tenant).',
    audiences: PLATFORM,
    schema: payload({
      alertId: uuid('The alert.'),
      ruleId: uuid('The alert rule.'),
      type: { type: 'string', enum: ['trial_expiring', 'payment_failed', 'usage_over_limit', 'tenant_inactive', 'webhook_failing', 'error_rate_spike', 'tenant_at_risk'], description: 'The rule type.' },
      severity: { type: 'string', enum: ['info', 'warning', 'critical'], description: 'Severity of the rule.' },
      title: str('What the alert says.'),
      detail: str('The facts behind it.'),
      recipientRoles: { type: 'array', items: { type: 'string' }, description: 'Staff roles told of it.' },
    }),
    example: { alertId: '2b1c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', ruleId: '3c2d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e', type: 'trial_expiring', severity: 'warning', title: 'Trial ending within 7 days: acme-demo', detail: 'The trial ends 2026-12-09 10:00 UTC (5 day(s) left).', recipientRoles: ['owner', 'admin'] },
  },
  {
    type: 'alert.resolved',
    description: 'A super-admin alert resolved itself: its condition cleared (a paid invoice, a sign-in, a converted trial …).',
    audiences: PLATFORM,
    schema: payload({
      alertId: uuid('The alert.'),
      ruleId: uuid('The alert rule.'),
      type: { type: 'string', enum: ['trial_expiring', 'payment_failed', 'usage_over_limit', 'tenant_inactive', 'webhook_failing', 'error_rate_spike', 'tenant_at_risk'], description: 'The rule type.' },
      severity: { type: 'string', enum: ['info', 'warning', 'critical'], description: 'Severity of the rule.' },
      title: str('What the alert says.'),
      detail: str('The facts behind it.'),
      resolvedAt: dateTime('When it resolved.'),
    }),
    example: { alertId: '2b1c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', ruleId: '3c2d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e', type: 'payment_failed', severity: 'critical', title: 'Payment failed: acme-demo', detail: '49.00 USD for invoice INV-000123 failed (card declined); attempt 1.', resolvedAt: '2026-12-04T12:00:00.000Z' },
  },  {
    type: 'coupon.redeemed',
    description: "A coupon was redeemed on one of the tenant's subscriptions; its discount applies from now.",
    audiences: TENANT,
    schema: payload({ couponId: uuid('The coupon.'), code: str('The coupon code.'), subscriptionId: uuid('The subscription it was redeemed on.') }),
    example: { couponId: 'f0e1d2c3-b4a5-4968-8776-655443322110', code: 'SPRING25', subscriptionId: SUBSCRIPTION_EXAMPLE.subscriptionId },
  },
  {
    type: 'credit_note.created',
    description: 'A credit note was issued against a finalized invoice: a refund, a reduction of the amount due, or credit to the balance.',
    audiences: TENANT,
    schema: payload({
      creditNoteId: uuid('The credit note.'),
      number: str('Credit note number.'),
      invoiceId: uuid('The invoice it credits.'),
      invoiceNumber: str('Number of the invoice it credits.'),
      kind: str('What it does: refund, amount_due or credit_balance.'),
      reason: str('Why: refund, goodwill, duplicate, fraudulent, order_change or product_unsatisfactory.'),
      amountCents: cents('Credited amount'),
      currency: str('ISO 4217 currency code, lower case.'),
      refundId: orNull(uuid('The refund it records; null unless kind is refund.')),
    }),
    example: {
      creditNoteId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      number: 'CN-2025-000007',
      invoiceId: INVOICE_ID,
      invoiceNumber: 'INV-2025-000142',
      kind: 'refund',
      reason: 'refund',
      amountCents: 2900,
      currency: 'eur',
      refundId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    },
  },
  {
    type: 'entitlement.changed',
    description: "The tenant's entitlement to some modules may have changed; re-read the current entitlements.",
    audiences: TENANT,
    schema: payload({ moduleCodes: strings('Codes of the modules concerned.'), cause: str('The event that caused it, e.g. module.subscribed or subscription.suspended.') }),
    example: { moduleCodes: ['automations'], cause: 'module.subscribed' },
  },
  {
    type: 'impersonation.ended',
    description: 'An impersonation session of a tenant user was ended early, by staff or because its staff member was deactivated or changed role.',
    audiences: TENANT,
    schema: payload({
      ...IMPERSONATION_FIELDS,
      endedBy: orNull(uuid('The staff member who ended it; null when the system ended it.')),
      endReason: str('Why: ended_by_staff, staff_deactivated or staff_role_changed.'),
      endedAt: dateTime('When it ended (UTC).'),
    }),
    example: { ...IMPERSONATION_EXAMPLE, endedBy: IMPERSONATION_EXAMPLE.staffId, endReason: 'ended_by_staff', endedAt: '2025-06-12T10:12:44.000Z' },
  },
  {
    type: 'impersonation.started',
    description: 'A staff member started impersonating a tenant user.',
    audiences: TENANT,
    schema: payload({
      ...IMPERSONATION_FIELDS,
      reason: str('The reason the staff member gave.'),
      ticketRef: orNull(str('Support ticket reference; null if none was given.')),
      durationMinutes: int('Length of the session, in minutes.'),
    }),
    example: { ...IMPERSONATION_EXAMPLE, reason: 'Investigating a failed CSV import', ticketRef: 'SUP-4821', durationMinutes: 30 },
  },
  {
    type: 'invoice.created',
    description: 'An invoice was created as a draft (subscription invoices are finalized at once).',
    audiences: TENANT,
    schema: payload(INVOICE_FIELDS),
    example: { ...INVOICE_EXAMPLE, number: null, status: 'draft' },
  },
  {
    type: 'invoice.finalized',
    description: 'An invoice was finalized: it has its number and can no longer change.',
    audiences: TENANT,
    schema: payload(INVOICE_FIELDS),
    example: INVOICE_EXAMPLE,
  },
  {
    type: 'invoice.paid',
    description: 'An invoice was paid in full, or finalized with nothing due.',
    audiences: TENANT,
    schema: payload(INVOICE_FIELDS),
    example: { ...INVOICE_EXAMPLE, status: 'paid', amountDueCents: 0 },
  },
  {
    type: 'invoice.uncollectible',
    description: 'An open invoice was marked uncollectible (bad debt).',
    audiences: TENANT,
    schema: payload(INVOICE_FIELDS),
    example: { ...INVOICE_EXAMPLE, status: 'uncollectible' },
  },
  {
    type: 'invoice.voided',
    description: 'An invoice was voided: nothing is owed on it any more.',
    audiences: TENANT,
    schema: payload(INVOICE_FIELDS),
    example: { ...INVOICE_EXAMPLE, status: 'void', amountDueCents: 0 },
  },
  {
    type: 'module.activated',
    description: 'A tenant switched a module on again (its own switch; billing unchanged).',
    audiences: TENANT,
    schema: payload(MODULE_FIELDS),
    example: MODULE_EXAMPLE,
  },
  {
    type: 'module.created',
    description: 'A module was added to the product catalog.',
    audiences: PLATFORM,
    schema: payload({ moduleId: uuid('The module.'), code: str('Code of the module.') }),
    example: { moduleId: MODULE_EXAMPLE.moduleId, code: EXAMPLE_MODULE_CODE },
  },
  {
    type: 'module.deactivated',
    description: 'A tenant switched a module off (its own switch; billing unchanged).',
    audiences: TENANT,
    schema: payload(MODULE_FIELDS),
    example: MODULE_EXAMPLE,
  },
  {
    type: 'module.subscribed',
    description: 'The tenant subscribed to a module, with a trial or paid.',
    audiences: TENANT,
    schema: payload({
      ...MODULE_FIELDS,
      subscriptionId: uuid('The module subscription.'),
      status: str('Subscription status: trial or active.'),
      interval: str('Billing interval: month or year.'),
      trialEndsAt: orNull(dateTime('End of the trial (UTC); null without a trial.')),
    }),
    example: { ...MODULE_EXAMPLE, subscriptionId: '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f', status: 'trial', interval: 'month', trialEndsAt: '2025-06-26T00:00:00.000Z' },
  },
  {
    type: 'module.unsubscribed',
    description: "The tenant's module subscription ended: cancelled by staff, at its period end, or when its trial ran out.",
    audiences: TENANT,
    schema: payload({ ...MODULE_FIELDS, subscriptionId: uuid('The module subscription.'), cancelledAt: dateTime('When it ended (UTC).') }),
    example: { ...MODULE_EXAMPLE, subscriptionId: '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f', cancelledAt: '2025-07-01T00:00:00.000Z' },
  },
  {
    type: 'module.updated',
    description: "A module's name, description, prices, pricing model, trial length or active flag changed in the product catalog.",
    audiences: PLATFORM,
    schema: payload({ moduleId: uuid('The module.'), code: str('Code of the module.'), changed: CHANGED }),
    example: { moduleId: MODULE_EXAMPLE.moduleId, code: EXAMPLE_MODULE_CODE, changed: ['monthlyPriceCents', 'trialDays'] },
  },
  {
    type: 'payment.failed',
    description: 'A charge failed: the gateway declined it or no payment method could be charged.',
    audiences: TENANT,
    schema: payload({
      ...PAYMENT_FIELDS,
      failureCode: str('Why it failed, e.g. card_declined or no_payment_method.'),
      declineCode: orNull(str("The issuer's decline code; null when the gateway gave none.")),
      failureMessage: str('A human-readable reason.'),
      attempt: int('Attempt number for this invoice, from 1.'),
      trigger: str('What started the charge: automatic, retry, staff, tenant or offline.'),
      nextRetryAt: orNull(dateTime('When the next automatic retry runs (UTC); null when none is planned.')),
    }),
    example: {
      ...PAYMENT_EXAMPLE,
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      failureMessage: 'Your card has insufficient funds.',
      attempt: 2,
      trigger: 'retry',
      nextRetryAt: '2025-06-15T09:00:00.000Z',
    },
  },
  {
    type: 'payment.refunded',
    description: 'Money was returned on a payment, in full or in part; a credit note records it.',
    audiences: TENANT,
    schema: payload({
      ...PAYMENT_FIELDS,
      refundId: uuid('The refund.'),
      refundedCents: cents('Amount of this refund'),
      totalRefundedCents: cents('Total refunded on the payment so far'),
      creditNoteId: uuid('The credit note recording it.'),
      creditNoteNumber: str('Number of that credit note.'),
    }),
    example: {
      ...PAYMENT_EXAMPLE,
      refundId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
      refundedCents: 2900,
      totalRefundedCents: 2900,
      creditNoteId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      creditNoteNumber: 'CN-2025-000007',
    },
  },
  {
    type: 'payment.succeeded',
    description: 'A payment succeeded: an offline payment recorded by staff, or a charge the gateway accepted.',
    audiences: TENANT,
    schema: payload(PAYMENT_FIELDS),
    example: PAYMENT_EXAMPLE,
  },
  {
    type: 'plan.created',
    description: 'A plan was added to the product catalog.',
    audiences: PLATFORM,
    schema: payload({ planId: uuid('The plan.'), code: str('Code of the plan.') }),
    example: { planId: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a', code: EXAMPLE_PLAN_CODE },
  },
  {
    type: 'plan.updated',
    description: "A plan's name, prices, limits, features or active flag changed in the product catalog.",
    audiences: PLATFORM,
    schema: payload({ planId: uuid('The plan.'), code: str('Code of the plan.'), changed: CHANGED }),
    example: { planId: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a', code: EXAMPLE_PLAN_CODE, changed: ['limits', 'monthlyPriceCents'] },
  },
  {
    type: 'quota.updated',
    description: "The tenant's quota changed: its plan, limit overrides or billing state.",
    audiences: TENANT,
    schema: payload({
      planCode: str('Code of the current plan.'),
      billingStatus: str('Billing status now: trial, active, past_due, suspended or cancelled.'),
      previousBillingStatus: str('Billing status before the change.'),
      changed: CHANGED,
      overLimit: strings('Metrics whose use is now above their limit.'),
    }),
    example: { planCode: 'starter', billingStatus: 'active', previousBillingStatus: 'active', changed: ['planCode', 'limits'], overLimit: ['projects'] },
  },
  {
    type: 'staff.created',
    description: 'A platform staff member was created.',
    audiences: PLATFORM,
    schema: payload(STAFF_FIELDS),
    example: STAFF_EXAMPLE,
  },
  {
    type: 'staff.updated',
    description: "A platform staff member's name, role or active flag changed.",
    audiences: PLATFORM,
    schema: payload({ ...STAFF_FIELDS, changed: CHANGED }),
    example: { ...STAFF_EXAMPLE, role: 'super_admin', changed: ['role'] },
  },
  {
    type: 'subscription.cancelled',
    description: 'A subscription was cancelled, at its period end or at once by staff.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, cancelledAt: dateTime('When it was cancelled (UTC).') }),
    example: { ...SUBSCRIPTION_EXAMPLE, status: 'cancelled', cancelledAt: '2025-07-01T00:00:00.000Z' },
  },
  {
    type: 'subscription.converted',
    description: 'A trial was converted to paid: a new period starts now and its charge is pending.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, amountCents: cents('Charge of the new period') }),
    example: { ...SUBSCRIPTION_EXAMPLE, amountCents: 34800 },
  },
  {
    type: 'subscription.created',
    description: "A subscription was created: the tenant's plan subscription at provisioning, or a module subscription.",
    audiences: TENANT,
    schema: payload(SUBSCRIPTION_FIELDS),
    example: { ...SUBSCRIPTION_EXAMPLE, status: 'trial', trialEndsAt: '2025-06-26T00:00:00.000Z', currentPeriodEnd: '2025-06-26T00:00:00.000Z' },
  },
  {
    type: 'subscription.licenses_changed',
    description: 'The licence count of a subscription changed; a prorated charge or credit is pending.',
    audiences: TENANT,
    schema: payload({
      ...SUBSCRIPTION_FIELDS,
      previousLicenses: int('Licence count before.'),
      newLicenses: int('Licence count now.'),
      prorationCents: cents('Prorated charge (positive) or credit (negative)'),
    }),
    example: { ...SUBSCRIPTION_EXAMPLE, quantity: 15, previousLicenses: 12, newLicenses: 15, prorationCents: 1450 },
  },
  {
    type: 'subscription.past_due',
    description: 'Collection of an invoice billing this subscription failed; it stays in service while payment is retried.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, invoiceId: uuid('The unpaid invoice.') }),
    example: { ...SUBSCRIPTION_EXAMPLE, status: 'past_due', invoiceId: INVOICE_ID },
  },
  {
    type: 'subscription.plan_changed',
    description: 'The plan changed now (prorated) or was scheduled to change at the period end.',
    audiences: TENANT,
    schema: payload({
      ...SUBSCRIPTION_FIELDS,
      previousPlanCode: str('Code of the plan before.'),
      newPlanCode: str('Code of the new plan.'),
      effective: str('When it takes effect: now or period_end.'),
      effectiveAt: dateTime('When it takes (or took) effect (UTC).'),
      prorationCents: cents('Prorated charge (positive) or credit (negative); 0 when scheduled'),
    }),
    example: {
      ...SUBSCRIPTION_EXAMPLE,
      itemCode: 'business',
      previousPlanCode: 'pro',
      newPlanCode: 'business',
      effective: 'now',
      effectiveAt: '2025-06-12T09:41:00.000Z',
      prorationCents: 5160,
    },
  },
  {
    type: 'subscription.reactivated',
    description: 'The unpaid invoice was paid or voided: the subscription is active again.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, invoiceId: uuid('The invoice that had been unpaid.'), previousStatus: str('Status before: past_due or suspended.') }),
    example: { ...SUBSCRIPTION_EXAMPLE, invoiceId: INVOICE_ID, previousStatus: 'past_due' },
  },
  {
    type: 'subscription.renewed',
    description: "A billing period rolled over: scheduled changes were applied and the new period's charges recorded.",
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, amountCents: cents('Charge of the new period'), periodStart: dateTime('Start of the new period (UTC).') }),
    example: { ...SUBSCRIPTION_EXAMPLE, amountCents: 34800, periodStart: '2025-06-01T00:00:00.000Z' },
  },
  {
    type: 'subscription.suspended',
    description: 'Payment retries were exhausted: the module was switched off, or (plan) the tenant was suspended for non-payment.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, invoiceId: uuid('The unpaid invoice.'), tenantSuspended: bool('Whether the tenant itself was suspended.') }),
    example: { ...SUBSCRIPTION_EXAMPLE, status: 'suspended', invoiceId: INVOICE_ID, tenantSuspended: true },
  },
  {
    type: 'subscription.trial_ended',
    description: 'A trial ended: a plan subscription became paid, or a module trial was cancelled.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, outcome: oneOf(['converted', 'cancelled'], 'What became of the subscription.') }),
    example: { ...SUBSCRIPTION_EXAMPLE, trialEndsAt: '2025-06-01T00:00:00.000Z', outcome: 'converted' },
  },
  {
    type: 'subscription.trial_will_end',
    description: 'A trial ends in three days.',
    audiences: TENANT,
    schema: payload(SUBSCRIPTION_FIELDS),
    example: { ...SUBSCRIPTION_EXAMPLE, status: 'trial', trialEndsAt: '2025-06-15T00:00:00.000Z', currentPeriodEnd: '2025-06-15T00:00:00.000Z' },
  },
  {
    type: 'subscription.updated',
    description: 'Staff edited a subscription: its status, plan, licences, dates, price override or labels.',
    audiences: TENANT,
    schema: payload({ ...SUBSCRIPTION_FIELDS, changed: CHANGED }),
    example: { ...SUBSCRIPTION_EXAMPLE, changed: ['currentPeriodEnd', 'priceOverrideCents'] },
  },
  {
    type: 'tenant.activated',
    description: "A super admin lifted the tenant's suspension.",
    audiences: TENANT,
    schema: payload({ ...TENANT_FIELDS, reason: orNull(str('The reason given; null if none.')) }),
    example: { ...TENANT_EXAMPLE, reason: 'Outstanding invoice settled' },
  },
  {
    type: 'tenant.created',
    description: 'A tenant was provisioned with its plan, quota and first admin user.',
    audiences: TENANT,
    schema: payload({
      ...TENANT_FIELDS,
      name: str('Display name of the tenant.'),
      planCode: str('Code of its plan.'),
      billingStatus: str('Billing status: trial, active, past_due, suspended or cancelled.'),
      trialEndsAt: orNull(dateTime('End of the trial (UTC); null without a trial.')),
      adminUserId: uuid('The first admin user.'),
      tags: strings('Labels set by staff.'),
    }),
    example: {
      ...TENANT_EXAMPLE,
      name: 'Acme Corp',
      planCode: 'pro',
      billingStatus: 'trial',
      trialEndsAt: '2025-06-26T00:00:00.000Z',
      adminUserId: USER_EXAMPLE.userId,
      tags: ['eu', 'self-serve'],
    },
  },
  {
    type: 'tenant.deleted',
    description: 'The tenant was soft-deleted: nobody of it can sign in, and its data is purged after `purgeAfter`.',
    audiences: PLATFORM,
    schema: payload({ ...TENANT_FIELDS, deletedAt: dateTime('When it was deleted (UTC).'), purgeAfter: dateTime('When its data may be purged (UTC), the end of the grace period.') }),
    example: { ...TENANT_EXAMPLE, deletedAt: '2025-06-12T08:00:00.000Z', purgeAfter: '2025-07-12T08:00:00.000Z' },
  },
  {
    type: 'tenant.purged',
    description: "The tenant's data was erased after its grace period.",
    audiences: PLATFORM,
    schema: payload({ ...TENANT_FIELDS, deletedAt: dateTime('When it was deleted (UTC).'), purgedAt: dateTime('When its data was erased (UTC).') }),
    example: { ...TENANT_EXAMPLE, deletedAt: '2025-06-12T08:00:00.000Z', purgedAt: '2025-07-12T08:05:13.000Z' },
  },
  {
    type: 'tenant.restored',
    description: 'A deleted tenant was restored within its grace period.',
    audiences: TENANT,
    schema: payload({ ...TENANT_FIELDS, status: oneOf(['active', 'suspended', 'deleted'], 'Tenant status after the restore.'), previousDeletedAt: dateTime('When it had been deleted (UTC).') }),
    example: { ...TENANT_EXAMPLE, status: 'active', previousDeletedAt: '2025-06-12T08:00:00.000Z' },
  },
  {
    type: 'tenant.risk_changed',
    description: 'The daily health snapshot moved a tenant to another risk level (low, medium, high).',
    audiences: PLATFORM,
    schema: payload({
      tenantId: uuid('The tenant.'),
      previousRisk: { type: 'string', enum: ['low', 'medium', 'high'], description: 'Risk level of the previous snapshot.' },
      risk: { type: 'string', enum: ['low', 'medium', 'high'], description: 'Risk level now.' },
      previousScore: { type: 'integer', minimum: 0, maximum: 100, description: 'Score of the previous snapshot.' },
      score: { type: 'integer', minimum: 0, maximum: 100, description: 'Score now (0–100).' },
      topReason: { type: ['string', 'null'], description: 'The signal that costs the most points, with its explanation.' },
      day: { type: 'string', format: 'date', description: 'UTC day of the snapshot.' },
    }),
    example: { tenantId: 'c1e4afac-2f69-4e9c-a500-db7379521b60', previousRisk: 'low', risk: 'medium', previousScore: 74, score: 58, topReason: 'payments: 2 failed payments in 30 days, 0 past-due invoices open.', day: '2026-12-04' },
  },
  {
    type: 'tenant.suspended',
    description: 'A super admin suspended the tenant.',
    audiences: TENANT,
    schema: payload({ ...TENANT_FIELDS, reason: str('The reason given.'), suspendedAt: dateTime('When it was suspended (UTC).') }),
    example: { ...TENANT_EXAMPLE, reason: 'Terms of service violation', suspendedAt: '2025-06-12T08:00:00.000Z' },
  },
  {
    type: 'tenant.updated',
    description: "The tenant's profile or settings changed.",
    audiences: TENANT,
    schema: payload({ ...TENANT_FIELDS, changed: CHANGED, version: int('Version of the tenant record after the change.') }),
    example: { ...TENANT_EXAMPLE, changed: ['name', 'settings'], version: 4 },
  },
  {
    type: 'usage.drift_corrected',
    description: "A recount found usage counters that had drifted and corrected them.",
    audiences: TENANT,
    schema: payload({ before: { ...COUNTERS, description: 'Counter values before, by metric code.' }, after: { ...COUNTERS, description: 'Corrected counter values, by metric code.' } }),
    example: { before: { members: 14, projects: 7 }, after: { members: 12, projects: 7 } },
  },
  {
    type: 'usage.limit_reached',
    description: "A metric's use reached its limit (100 %).",
    audiences: TENANT,
    schema: payload(USAGE_THRESHOLD_FIELDS),
    example: { metric: 'projects', threshold: 100, limit: 10, used: 10, periodStart: '1970-01-01' },
  },
  {
    type: 'usage.threshold_reached',
    description: "A metric's use crossed 80, 90 or 100 % of its limit (once per threshold and period).",
    audiences: TENANT,
    schema: payload(USAGE_THRESHOLD_FIELDS),
    example: { metric: 'automationsPerMonth', threshold: 80, limit: 5000, used: 4012, periodStart: '2025-06-01' },
  },
  {
    type: 'user.activated',
    description: 'A tenant user was re-activated and takes a seat again.',
    audiences: TENANT,
    schema: payload(USER_FIELDS),
    example: USER_EXAMPLE,
  },
  {
    type: 'user.created',
    description: "A tenant user was created (also the first admin of a new tenant).",
    audiences: TENANT,
    schema: payload(USER_FIELDS),
    example: USER_EXAMPLE,
  },
  {
    type: 'user.deactivated',
    description: 'A tenant user was deactivated: their seat is freed and their sessions revoked.',
    audiences: TENANT,
    schema: payload(USER_FIELDS),
    example: { ...USER_EXAMPLE, isActive: false },
  },
  {
    type: 'user.updated',
    description: "A tenant user's name or role changed.",
    audiences: TENANT,
    schema: payload({ ...USER_FIELDS, changed: CHANGED }),
    example: { ...USER_EXAMPLE, role: 'admin', changed: ['role'] },
  },
  {
    type: 'webhook.delivery_exhausted',
    description: 'A webhook message could not be delivered to an endpoint after all its attempts; it will not be retried.',
    audiences: TENANT,
    schema: payload({
      endpointId: uuid('The webhook endpoint.'),
      messageId: uuid('The undelivered message.'),
      eventId: uuid('The event the message carried.'),
      eventType: str('Type of that event, e.g. invoice.paid.'),
      attempts: int('Number of delivery attempts made.'),
      lastError: orNull(str("The last attempt's error, e.g. an HTTP status or a timeout; null if none was recorded.")),
    }),
    example: {
      endpointId: 'b7c8d9e0-f1a2-4b3c-9d4e-5f6a7b8c9d0e',
      messageId: 'c8d9e0f1-a2b3-4c4d-8e5f-6a7b8c9d0e1f',
      eventId: 'd9e0f1a2-b3c4-4d5e-9f6a-7b8c9d0e1f2a',
      eventType: 'invoice.paid',
      attempts: 8,
      lastError: 'HTTP 503 Service Unavailable',
    },
  },
  {
    type: 'webhook.endpoint_disabled',
    description: 'A webhook endpoint was disabled: its receiver answered 410 Gone, or no delivery to it succeeded for 5 days.',
    audiences: TENANT,
    schema: payload({
      endpointId: uuid('The webhook endpoint.'),
      url: { type: 'string', format: 'uri', description: "The endpoint's URL." },
      reason: oneOf(['gone', 'failing'], '`gone`: the receiver answered 410; `failing`: no delivery succeeded for 5 days.'),
      disabledAt: dateTime('When it was disabled (UTC).'),
    }),
    example: { endpointId: 'b7c8d9e0-f1a2-4b3c-9d4e-5f6a7b8c9d0e', url: 'https://hooks.acme.example/saas-events', reason: 'failing', disabledAt: '2025-06-17T03:00:00.000Z' },
  },
];

/** Every event type webhooks can subscribe to, sorted by `type`; frozen. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = deepFreeze(CATALOG);


const BY_TYPE: ReadonlyMap<string, WebhookEventType> = new Map(WEBHOOK_EVENT_TYPES.map((e) => [e.type, e]));

/** The catalog entry of `type`, or undefined. */
export function webhookEventType(type: string): WebhookEventType | undefined {
  return BY_TYPE.get(type);
}
