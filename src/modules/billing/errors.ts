import { defineErrors } from '../../common/errors';

/** Error codes of billing: subscriptions, licenses and charges (docs/adr/0014-error-code-catalog.md). */
export const BILLING_ERRORS = defineErrors('billing', {
  subscription_not_found: {
    status: 404,
    title: 'Subscription not found',
    description: 'The tenant has no such subscription (or no plan subscription).',
    example: { detail: 'Subscription 7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f was not found.' },
  },
  licenses_below_active_users: {
    status: 409,
    family: 'seats',
    title: 'Fewer licenses than active users',
    description: 'The change would leave fewer licenses than active users. Deactivate users first; `minimumRequired` is the smallest licence count allowed now.',
    example: { detail: 'The tenant has 6 active users; it needs at least 6 licenses.', state: 'licenses', currentActiveUsers: 6, requestedLicenses: 3, minimumRequired: 6 },
  },
  licenses_below_minimum: {
    status: 409,
    family: 'seats',
    title: 'Fewer than one license',
    description: 'A plan subscription keeps at least one license.',
    example: { detail: 'A subscription keeps at least 1 license; 0 were requested.', state: 'licenses', requestedLicenses: 0, minimumRequired: 1 },
  },
  licenses_not_licensed: {
    status: 409,
    family: 'conflict',
    title: 'Seats are not licensed on this plan',
    description: 'The plan neither limits members nor prices seats, so the subscription has no licence count to change. Move the tenant to a plan that sells seats.',
    example: { detail: 'The plan enterprise does not license seats.', state: 'licenses' },
  },
  not_in_trial: {
    status: 409,
    family: 'status',
    title: 'Not in trial',
    description: 'Only a subscription in trial can be converted to paid or have its trial extended. `currentStatus` is its status.',
    example: { detail: 'The subscription is active, not in trial.', state: 'status', currentStatus: 'active' },
  },
  module_unavailable: {
    status: 422,
    family: 'unprocessable',
    title: 'Module unavailable',
    description: 'No active module of the catalog has this code (it does not exist or was deactivated: existing subscribers keep it, nobody can newly subscribe). `field` names the request field.',
    example: { detail: 'Module seo does not exist or is not offered any more.', field: 'moduleCode' },
  },
  module_already_subscribed: {
    status: 409,
    family: 'conflict',
    title: 'Module already subscribed',
    description: 'The tenant already has a subscription to this module that is not cancelled.',
    example: { detail: 'The tenant already subscribes to crm (trial).', state: 'trial' },
  },
  module_included_in_plan: {
    status: 409,
    family: 'conflict',
    title: 'Module included in the plan',
    description: 'The tenant’s plan includes this module at no charge: there is nothing to subscribe to.',
    example: { detail: 'The plan growth includes crm.', state: 'included' },
  },
  trial_already_used: {
    status: 409,
    family: 'conflict',
    title: 'Trial already used',
    description: 'A tenant gets one free trial per module. Subscribe with `trial: false` to pay from now.',
    example: { detail: 'The tenant has already had its free trial of crm.', state: 'trial_used' },
  },
  trial_not_available: {
    status: 409,
    family: 'conflict',
    title: 'No trial offered',
    description: 'The module offers no free trial (trialDays 0). Subscribe with `trial: false`.',
    example: { detail: 'The module seo offers no free trial.', state: 'no_trial' },
  },
  subscription_already_cancelled: {
    status: 409,
    family: 'status',
    title: 'Subscription already cancelled',
    description: 'The subscription has ended; there is nothing to cancel or resume. Subscribe again (a module) or ask staff to reactivate it (the plan).',
    example: { detail: 'The subscription crm is already cancelled.', state: 'status', currentStatus: 'cancelled' },
  },
  module_not_subscribed: {
    status: 409,
    family: 'conflict',
    title: 'Module not subscribed',
    description: 'The tenant has no live subscription to this module (none, or it has ended), so it cannot be cancelled or resumed.',
    example: { detail: 'The tenant does not subscribe to seo.', state: 'not_subscribed' },
  },
  invoice_not_found: {
    status: 404,
    title: 'Invoice not found',
    description: 'No invoice has this id (for a tenant: none of its own invoices; drafts are not shown to tenants).',
    example: { detail: 'Invoice 7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f was not found.' },
  },
  invoice_not_draft: {
    status: 409,
    family: 'status',
    title: 'Invoice is not a draft',
    description: 'Only a draft invoice can be finalized; a finalized invoice is immutable (corrections go through credit notes).',
    example: { detail: 'Only a draft can be finalized; invoice INV-2026-000123 is open.', state: 'status', currentStatus: 'open' },
  },
  invoice_not_voidable: {
    status: 409,
    family: 'status',
    title: 'Invoice cannot be voided',
    description: 'Only a draft, open or uncollectible invoice with nothing paid on it can be voided. Refund a payment or issue a credit note instead.',
    example: { detail: 'Only a draft, open or uncollectible invoice with nothing paid can be voided; invoice INV-2026-000123 is paid.', state: 'status', currentStatus: 'paid' },
  },
  invoice_not_open: {
    status: 409,
    family: 'status',
    title: 'Invoice is not open',
    description: 'Only an open invoice can be marked uncollectible.',
    example: { detail: 'Only an open invoice can be marked uncollectible; invoice INV-2026-000123 is paid.', state: 'status', currentStatus: 'paid' },
  },
  invoice_not_payable: {
    status: 409,
    family: 'status',
    title: 'Invoice takes no payment',
    description: 'Only an open or uncollectible invoice takes payments (a draft is finalized first; a paid or void one has nothing due).',
    example: { detail: 'Only an open or uncollectible invoice takes payments; invoice INV-2026-000123 is paid.', state: 'status', currentStatus: 'paid' },
  },
  payment_exceeds_amount_due: {
    status: 422,
    family: 'unprocessable',
    title: 'Payment exceeds the amount due',
    description: 'A payment is never more than what is still due on the invoice (`field` names the amount). Leave the amount out to pay all that is due.',
    example: { detail: 'The payment of 30000 exceeds the 22500 due on invoice INV-2026-000123.', field: 'amountCents' },
  },
  payment_not_found: {
    status: 404,
    title: 'Payment not found',
    description: 'No payment has this id (for a tenant: none of its own payments).',
    example: { detail: 'Payment 7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f was not found.' },
  },
  payment_in_progress: {
    status: 409,
    family: 'conflict',
    title: 'Payment in progress',
    description: 'A charge of this invoice is with the payment gateway. Wait for its outcome (GET the payment) before paying, charging or voiding the invoice again.',
    example: { detail: 'A payment of invoice INV-2026-000123 is being processed; wait for its outcome.', state: 'payment' },
  },
  payment_method_required: {
    status: 422,
    family: 'unprocessable',
    title: 'No payment method on file',
    description: 'The tenant has no payment method to charge. A tenant admin adds one with PUT /api/v1/tenant/billing/payment-method, or staff record an offline payment.',
    example: { detail: 'The tenant has no payment method on file; add one with PUT /api/v1/tenant/billing/payment-method.', field: 'method' },
  },
  payment_method_invalid: {
    status: 422,
    family: 'unprocessable',
    title: 'Payment method rejected',
    description: 'The payment gateway does not know this payment method token or cannot store it. In the sandbox, use pm_card_ok, pm_card_mastercard, pm_card_declined, pm_insufficient_funds or pm_card_expired.',
    example: { detail: 'Unknown sandbox payment method "pm_typo".', field: 'token' },
  },
  payment_method_unsupported: {
    status: 422,
    family: 'unprocessable',
    title: 'Payment methods not supported',
    description: 'The platform collects payments offline (PAYMENT_GATEWAY=manual): no payment method can be stored.',
    example: { detail: 'This platform collects payments offline (PAYMENT_GATEWAY=manual): no payment method can be stored.', field: 'token' },
  },
  automatic_collection_disabled: {
    status: 422,
    family: 'unprocessable',
    title: 'No card charges on this platform',
    description: 'The platform collects payments offline (PAYMENT_GATEWAY=manual): staff record offline payments instead of charging a card.',
    example: { detail: 'This platform collects offline (PAYMENT_GATEWAY=manual): record the payment instead of charging a card.', field: 'method' },
  },
  plan_unchanged: {
    status: 409,
    family: 'conflict',
    title: 'Plan unchanged',
    description: 'The subscription is already on this plan and billing interval: there is nothing to change.',
    example: { detail: 'The subscription is already on growth, billed every month.', state: 'plan' },
  },
});

type BillingErrors = typeof BILLING_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends BillingErrors {}
}
