import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import Redis from 'ioredis';
import { DomainEventEnvelope, EnvelopeOf, OnEvent, UnitOfWork } from '../../common/events';
import { Mailer } from '../../common/mail';
import { REDIS } from '../../common/redis/redis.module';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { PaymentFailedEvent, SubscriptionPastDueEvent, SubscriptionSuspendedEvent, SubscriptionTrialWillEndEvent } from '../billing/events';
import { TenantUserAccounts, UserCreatedEvent, UserDeactivatedEvent } from '../iam';
import { ImpersonationStartedEvent } from '../impersonation/events';
import { UsageThresholdReachedEvent } from '../usage/events';
import { WebhookDeliveryExhaustedEvent, WebhookEndpointDisabledEvent } from '../integrations/events';
import { matchesConditions } from './conditions';
import { NotificationPreference, NotificationRule } from './entities/notification-rule.entity';
import { notificationType } from './notification-types';

/** Redis channel of one recipient's new notifications (the inbox stream listens to it). */
export const recipientChannel = (recipientId: string) => `notifications:${recipientId}`;

/**
 * Turns events into notifications (a consumer per notifiable event type, each in its own unit of
 * work with the outbox's inbox, so an event notifies once even when re-dispatched; the unique
 * (event, recipient) key is the second guard). For each active rule of the tenant on that type
 * whose conditions match the payload: the rule's roles and users, kept to the type's audience,
 * active, not the actor themself, not having muted the type. In-app notifications are inserted
 * in one statement (a fan-out to thousands of users stays one round trip) and pushed to open
 * inbox streams after commit; email goes through the Mailer port after commit.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: TenantUserAccounts,
    private readonly uow: UnitOfWork,
    private readonly mailer: Mailer,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @OnEvent(UserCreatedEvent, 'notifications.user-created', { deferred: true })
  async onUserCreated(e: EnvelopeOf<typeof UserCreatedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(UserDeactivatedEvent, 'notifications.user-deactivated', { deferred: true })
  async onUserDeactivated(e: EnvelopeOf<typeof UserDeactivatedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(SubscriptionTrialWillEndEvent, 'notifications.trial-will-end', { deferred: true })
  async onTrialWillEnd(e: EnvelopeOf<typeof SubscriptionTrialWillEndEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(PaymentFailedEvent, 'notifications.payment-failed', { deferred: true })
  async onPaymentFailed(e: EnvelopeOf<typeof PaymentFailedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(SubscriptionPastDueEvent, 'notifications.past-due', { deferred: true })
  async onPastDue(e: EnvelopeOf<typeof SubscriptionPastDueEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(SubscriptionSuspendedEvent, 'notifications.subscription-suspended', { deferred: true })
  async onSuspended(e: EnvelopeOf<typeof SubscriptionSuspendedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(WebhookEndpointDisabledEvent, 'notifications.webhook-endpoint-disabled', { deferred: true })
  async onWebhookEndpointDisabled(e: EnvelopeOf<typeof WebhookEndpointDisabledEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(WebhookDeliveryExhaustedEvent, 'notifications.webhook-delivery-exhausted', { deferred: true })
  async onWebhookDeliveryExhausted(e: EnvelopeOf<typeof WebhookDeliveryExhaustedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(UsageThresholdReachedEvent, 'notifications.usage-threshold', { deferred: true })
  async onUsageThreshold(e: EnvelopeOf<typeof UsageThresholdReachedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  @OnEvent(ImpersonationStartedEvent, 'notifications.impersonation-started', { deferred: true })
  async onImpersonationStarted(e: EnvelopeOf<typeof ImpersonationStartedEvent>): Promise<void> {
    await this.notify(e as unknown as DomainEventEnvelope);
  }

  /** Notifies the recipients of the tenant's rules on `e`; returns how many in-app notifications were written. */
  async notify(e: DomainEventEnvelope): Promise<number> {
    const type = notificationType(e.name);
    if (!type || !e.tenantId) return 0;
    const tenantId = e.tenantId;
    const rules = await new TenantScopedRepository(this.txHost.tx, NotificationRule, tenantId).find({ where: { eventType: e.name, isActive: true }, order: { createdAt: 'ASC', id: 'ASC' } });
    const matching = rules.filter((r) => matchesConditions(r.conditions, e.payload));
    if (!matching.length) return 0;
    // Nobody is told of their own action, nor of their own arrival or departure.
    const actorId = e.actor?.type === 'tenant' ? e.actor.id : null;
    const subjectId = typeof e.payload.userId === 'string' ? e.payload.userId : null;
    const rendered = type.render(e);
    const inApp = new Map<string, string>();
    const byEmail = new Set<string>();
    for (const rule of matching) {
      const roles = rule.recipientRoles.filter((r) => (type.audience as readonly string[]).includes(r));
      const people = (await this.users.activeUsersIn(tenantId, roles, rule.recipientUserIds)).filter((u) => (type.audience as readonly string[]).includes(u.role) && u.id !== actorId && u.id !== subjectId);
      for (const p of people) {
        if (rule.channel === 'in_app' && !inApp.has(p.id)) inApp.set(p.id, rule.id);
        if (rule.channel === 'email') byEmail.add(p.id);
      }
    }
    const candidates = [...new Set([...inApp.keys(), ...byEmail])];
    if (!candidates.length) return 0;
    const muted = new Set(
      (await this.txHost.tx.getRepository(NotificationPreference).createQueryBuilder('p').where('p.recipient_id = ANY(:ids) AND :type = ANY(p.muted_types)', { ids: candidates, type: e.name }).getMany()).map((p) => p.recipientId),
    );
    const recipients = [...inApp].filter(([id]) => !muted.has(id));
    let inserted: { id: string; recipient_id: string }[] = [];
    if (recipients.length) {
      inserted = await this.txHost.tx.query(
        `INSERT INTO tenant_notifications (tenant_id, recipient_id, type, title, body, severity, resource_type, resource_id, event_id, rule_id, created_at)
         SELECT $1, r.id, $2, $3, $4, $5, $6, $7, $8, r.rule_id, $9 FROM unnest($10::uuid[], $11::uuid[]) AS r(id, rule_id)
         ON CONFLICT (event_id, recipient_id) DO NOTHING RETURNING id, recipient_id`,
        [tenantId, e.name, rendered.title, rendered.body, type.severity, rendered.resourceType, rendered.resourceId, e.eventId, new Date(e.occurredAt), recipients.map(([id]) => id), recipients.map(([, rule]) => rule)],
      );
    }
    const mailTo = [...byEmail].filter((id) => !muted.has(id));
    await this.uow.afterCommit(async () => {
      if (inserted.length) await this.push(tenantId, inserted.map((r) => r.recipient_id));
      for (const id of mailTo) {
        const user = await this.users.findActiveUser(tenantId, id);
        if (user) await this.mailer.send({ to: user.email, subject: rendered.title, text: rendered.body }).catch((err: Error) => this.logger.warn(`notification email failed: ${err.message}`));
      }
    });
    return inserted.length;
  }

  /** Tells the recipients' open inbox streams (any instance) to fetch what is new, with their unread counts. */
  private async push(tenantId: string, recipientIds: string[]): Promise<void> {
    const counts: { recipient_id: string; n: number }[] = await this.txHost.tx.query(
      `SELECT recipient_id, count(*)::int AS n FROM tenant_notifications WHERE tenant_id = $1 AND recipient_id = ANY($2::uuid[]) AND read_at IS NULL GROUP BY recipient_id`,
      [tenantId, recipientIds],
    );
    const pipeline = this.redis.pipeline();
    for (const c of counts) pipeline.publish(recipientChannel(c.recipient_id), JSON.stringify({ unreadCount: c.n }));
    await pipeline.exec();
  }
}
