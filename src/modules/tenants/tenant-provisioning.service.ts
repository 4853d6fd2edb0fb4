import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { TenantUserAccounts } from '../iam';
import { SubscriptionsService } from '../billing';
import { UsageCounters } from '../usage';
import { CreateTenantDto, CreateTenantResultDto } from './dto/tenant.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantCreatedEvent } from './events/tenant.events';
import { toTenantDto } from './tenant.mapper';

/** Default trial length in days when the provisioning request gives none. */
export const DEFAULT_TRIAL_DAYS = 14;

/**
 * Provisions a tenant: tenant row, plan subscription with its quota, usage counters and first
 * admin user, in the caller's one transaction (the audit interceptor's unit of work), then
 * publishes tenant.created (user.created comes from iam). Any failure leaves nothing behind.
 */
@Injectable()
export class TenantProvisioningService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly subscriptions: SubscriptionsService,
    private readonly usage: UsageCounters,
    private readonly accounts: TenantUserAccounts,
    private readonly events: EventBus,
    private readonly context: RequestContext,
  ) {}

  /**
   * @throws ConflictError `tenant_slug_taken` (409) | UnprocessableError `plan_unavailable` (422)
   * | QuotaExceededError (402, a plan whose members or orgAdmins limit is 0)
   */
  async create(dto: CreateTenantDto): Promise<CreateTenantResultDto> {
    const repo = this.txHost.tx.getRepository(Tenant);
    // The unique index decides (no check-then-insert): a concurrent insert of the same slug waits
    // for the first transaction and then conflicts.
    const inserted = await repo
      .createQueryBuilder()
      .insert()
      .values({
        name: dto.name,
        slug: dto.slug,
        status: 'active',
        contactEmail: dto.contactEmail,
        contactPhone: dto.contactPhone ?? null,
        billingEmail: dto.billingEmail ?? null,
        timezone: dto.timezone ?? 'UTC',
        currency: dto.currency ?? 'USD',
        locale: dto.locale ?? 'en',
        tags: dto.tags ?? [],
      })
      .orIgnore()
      .returning('id')
      .execute();
    const tenantId = (inserted.raw as { id: string }[])[0]?.id;
    if (!tenantId) {
      throw new ConflictError('tenant_slug_taken', `The slug ${dto.slug} is already taken.`, { field: 'slug' });
    }
    this.context.noteAudit({ tenantId, resourceId: tenantId, resourceType: 'tenant' });

    // The plan subscription (and with it the quota) must exist before the admin's seats are
    // reserved against its limits.
    const subscription = await this.subscriptions.startPlanSubscription(tenantId, {
      planCode: dto.planCode,
      trialDays: dto.trialDays ?? DEFAULT_TRIAL_DAYS,
      licenses: dto.licenses,
      interval: dto.billingInterval,
    });
    const quota = { billingStatus: subscription.status, trialEndsAt: subscription.trialEndsAt };
    await this.usage.createForTenant(tenantId);
    const { user, temporaryPassword } = await this.accounts.create(tenantId, {
      email: dto.admin.email,
      fullName: dto.admin.fullName,
      role: 'admin',
      password: dto.admin.password,
    });

    const tenant = await repo.findOneByOrFail({ id: tenantId });
    await this.events.publish(
      new TenantCreatedEvent(tenantId, {
        tenantId,
        slug: tenant.slug,
        name: tenant.name,
        planCode: dto.planCode,
        billingStatus: quota.billingStatus,
        trialEndsAt: quota.trialEndsAt?.toISOString() ?? null,
        adminUserId: user.id,
        tags: tenant.tags,
      }),
    );
    this.context.noteAudit({ after: { ...toTenantDto(tenant), planCode: dto.planCode, billingStatus: quota.billingStatus, adminUserId: user.id } });
    return {
      tenant: toTenantDto(tenant),
      admin: { id: user.id, email: user.email, fullName: user.fullName, role: user.role, mustChangePassword: user.mustChangePassword },
      adminTemporaryPassword: temporaryPassword,
    };
  }
}
