import type { DomainEventEnvelope } from '../../common/events';
import type { NotificationSeverity } from './entities/notification.entity';

/** What a notification of one event type says, and who may ever see it. */
export interface NotificationType {
  /** The event type (the catalog's name, docs/architecture.md). */
  type: string;
  description: string;
  /** Tenant roles allowed to receive it: a rule naming other roles never reaches them (a viewer gets no billing notification). */
  audience: readonly ('admin' | 'manager' | 'member' | 'viewer')[];
  severity: NotificationSeverity;
  /** Title and body from the event. */
  render(e: DomainEventEnvelope): { title: string; body: string; resourceType: string | null; resourceId: string | null };
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
const day = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 10) : '');
const money = (cents: unknown, currency: unknown): string => (typeof cents === 'number' ? `${(cents / 100).toFixed(2)} ${str(currency)}`.trim() : '');

/**
 * The event types tenant notification rules can name, with their audience and wording. Billing
 * events reach admins only; user events admins and managers (who manage users).
 */
export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  {
    type: 'user.created',
    description: 'A user was added to the organisation',
    audience: ['admin', 'manager'],
    severity: 'info',
    render: (e) => ({ title: 'New user', body: `${str(e.payload.email)} was added as ${str(e.payload.role)}.`, resourceType: 'user', resourceId: str(e.payload.userId) || null }),
  },
  {
    type: 'user.deactivated',
    description: 'A user was deactivated',
    audience: ['admin', 'manager'],
    severity: 'info',
    render: (e) => ({ title: 'User deactivated', body: `${str(e.payload.email)} was deactivated.`, resourceType: 'user', resourceId: str(e.payload.userId) || null }),
  },
  {
    type: 'subscription.trial_will_end',
    description: 'A trial (plan or module) ends in 3 days',
    audience: ['admin'],
    severity: 'warning',
    render: (e) => ({ title: 'Trial ending soon', body: `The trial of ${str(e.payload.itemCode)} ends on ${day(e.payload.trialEndsAt)}. Add a payment method to keep it.`, resourceType: 'subscription', resourceId: str(e.payload.subscriptionId) || null }),
  },
  {
    type: 'payment.failed',
    description: 'A payment was declined',
    audience: ['admin'],
    severity: 'critical',
    render: (e) => ({
      title: 'Payment failed',
      body: `The payment of ${money(e.payload.amountCents, e.payload.currency)} for invoice ${str(e.payload.invoiceNumber, 'draft')} was declined (${str(e.payload.failureCode)}).${e.payload.nextRetryAt ? ` It will be retried on ${day(e.payload.nextRetryAt)}.` : ''}`,
      resourceType: 'invoice',
      resourceId: str(e.payload.invoiceId) || null,
    }),
  },
  {
    type: 'subscription.past_due',
    description: 'A subscription is past due (its invoice is unpaid)',
    audience: ['admin'],
    severity: 'critical',
    render: (e) => ({ title: 'Payment overdue', body: `The ${str(e.payload.itemCode)} subscription is past due: pay the open invoice to keep it.`, resourceType: 'invoice', resourceId: str(e.payload.invoiceId) || null }),
  },
  {
    type: 'subscription.suspended',
    description: 'A subscription was suspended for non-payment',
    audience: ['admin'],
    severity: 'critical',
    render: (e) => ({ title: 'Subscription suspended', body: `The ${str(e.payload.itemCode)} subscription was suspended for non-payment.`, resourceType: 'invoice', resourceId: str(e.payload.invoiceId) || null }),
  },
  {
    type: 'usage.threshold_reached',
    description: 'A metric’s use crossed 80, 90 or 100 % of the plan’s limit',
    audience: ['admin'],
    severity: 'warning',
    render: (e) => ({ title: `Usage at ${str(e.payload.threshold)} %`, body: `${str(e.payload.used)} of ${str(e.payload.limit)} ${str(e.payload.metric)} are used (${str(e.payload.threshold)} % of your plan). Upgrade the plan to get more.`, resourceType: 'metric', resourceId: str(e.payload.metric) || null }),
  },
  {
    type: 'impersonation.started',
    description: 'Platform staff started acting as a user of the organisation',
    audience: ['admin'],
    severity: 'warning',
    render: (e) => ({ title: 'Support signed in as a user', body: `Platform staff started a session as one of your users until ${str(e.payload.expiresAt).slice(0, 16).replace('T', ' ')} UTC. Reason: ${str(e.payload.reason)}.`, resourceType: 'impersonation_session', resourceId: str(e.payload.sessionId) || null }),
  },
  {
    type: 'webhook.endpoint_disabled',
    description: 'A webhook endpoint stopped receiving: the receiver answered 410 Gone, or nothing succeeded for days',
    audience: ['admin'],
    severity: 'critical',
    render: (e) => ({
      title: 'Webhook endpoint disabled',
      body: `Deliveries to ${str(e.payload.url)} stopped (${e.payload.reason === 'gone' ? 'the receiver answered 410 Gone' : 'no delivery succeeded for days'}). Fix the receiver, switch the endpoint back on and replay the failed messages.`,
      resourceType: 'webhook_endpoint',
      resourceId: str(e.payload.endpointId) || null,
    }),
  },
  {
    type: 'webhook.delivery_exhausted',
    description: 'A webhook message used up every retry and failed',
    audience: ['admin'],
    severity: 'warning',
    render: (e) => ({ title: 'Webhook delivery failed', body: `A ${str(e.payload.eventType)} message failed after ${str(e.payload.attempts)} attempts: ${str(e.payload.lastError, 'no answer')}. Replay it from the endpoint’s delivery log.`, resourceType: 'webhook_message', resourceId: str(e.payload.messageId) || null }),
  },
];

/** The catalog entry of `type`, or undefined. */
export function notificationType(type: string): NotificationType | undefined {
  return NOTIFICATION_TYPES.find((t) => t.type === type);
}

/** The rules every new tenant starts with (admins notified), changeable like any rule. */
export const DEFAULT_RULES: readonly { name: string; eventType: string; conditions?: Record<string, unknown> }[] = [
  { name: 'Trial ending', eventType: 'subscription.trial_will_end' },
  { name: 'Payment failed', eventType: 'payment.failed' },
  { name: 'Payment overdue', eventType: 'subscription.past_due' },
  { name: 'Impersonation started', eventType: 'impersonation.started' },
  { name: 'Usage at 80 % and 100 %', eventType: 'usage.threshold_reached', conditions: { threshold: { in: [80, 100] } } },
  { name: 'New user', eventType: 'user.created' },
  { name: 'Webhook endpoint disabled', eventType: 'webhook.endpoint_disabled' },
];
