import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import Redis from 'ioredis';
import { EntitlementSource, entitlementsKey, TenantEntitlements } from '../../common/auth';
import { EnvelopeOf, OnEvent } from '../../common/events';
import { REDIS } from '../../common/redis';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { CatalogModule, ModuleCatalogService, QuotaService } from '../plans';
import { PlanUpdatedEvent, QuotaUpdatedEvent } from '../plans/events';
import { ModuleDeactivation } from './entities/module-deactivation.entity';
import { Subscription } from './entities/subscription.entity';
import { entitlementOf } from './entitlements';
import { EntitlementChangedEvent } from './events/module.events';

/** Seconds a cached entitlement set lives without a refresh (a backstop; changes refresh it after commit). */
const CACHE_TTL_SECONDS = 3600;

/** One module as a tenant's entitlements list it. */
export interface ModuleEntitlementView {
  module: CatalogModule;
  enabled: boolean;
  reason: ReturnType<typeof entitlementOf>['reason'];
  subscription: Subscription | null;
  deactivated: boolean;
  includedInPlan: boolean;
}

/**
 * A tenant's module entitlements (the rule in ./entitlements.ts) computed from PostgreSQL, and
 * their Redis copy read with the token inspection (docs/adr/0005): refreshed after commit by the
 * consumers below whenever a subscription, a switch, a feature override or a plan's features
 * change, and rebuilt on a miss. Adapter of the EntitlementSource port.
 */
@Injectable()
export class EntitlementsService extends EntitlementSource {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly quotas: QuotaService,
    private readonly catalog: ModuleCatalogService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  /** Every catalog module with the tenant's entitlement, its latest subscription and switch. @throws NotFoundError `tenant_not_found` */
  async views(tenantId: string): Promise<ModuleEntitlementView[]> {
    // Sequential: inside a transaction the statements share one connection.
    const modules = await this.catalog.all();
    const features = await this.quotas.features(tenantId);
    const subs = await new TenantScopedRepository(this.txHost.tx, Subscription, tenantId).find({ where: { kind: 'module' }, order: { createdAt: 'ASC', id: 'ASC' } });
    const deactivations = await new TenantScopedRepository(this.txHost.tx, ModuleDeactivation, tenantId).find();
    const off = new Set(deactivations.map((d) => d.moduleId));
    // The latest subscription per module (the live one when there is one: at most one is live).
    const latest = new Map<string, Subscription>();
    for (const s of subs) {
      const seen = latest.get(s.moduleId!);
      if (!seen || s.status !== 'cancelled' || seen.status === 'cancelled') latest.set(s.moduleId!, s);
    }
    return modules.map((module) => {
      const subscription = latest.get(module.id) ?? null;
      const includedInPlan = features.included[module.code] === true;
      const deactivated = off.has(module.id);
      const e = entitlementOf({ staffOverride: features.overrides[module.code], deactivatedByTenant: deactivated, includedInPlan, subscriptionStatus: subscription?.status ?? null });
      return { module, ...e, subscription, deactivated, includedInPlan };
    });
  }

  /** The tenant's entitlements by module code, computed now and cached in Redis. */
  async entitlementsOf(tenantId: string): Promise<TenantEntitlements> {
    const entitlements: TenantEntitlements = Object.fromEntries((await this.views(tenantId)).map((v) => [v.module.code, { enabled: v.enabled, reason: v.reason }]));
    await this.redis.set(entitlementsKey(tenantId), JSON.stringify(entitlements), 'EX', CACHE_TTL_SECONDS);
    return entitlements;
  }

  /** A subscription or switch of the tenant changed: refresh its cached entitlements. Consumer `billing.cache-entitlements`. */
  @OnEvent(EntitlementChangedEvent, 'billing.cache-entitlements')
  async onEntitlementChanged(event: EnvelopeOf<typeof EntitlementChangedEvent>): Promise<void> {
    if (event.tenantId) await this.entitlementsOf(event.tenantId);
  }

  /** The tenant's plan or feature overrides may have changed. Consumer `billing.cache-entitlements-quota`. */
  @OnEvent(QuotaUpdatedEvent, 'billing.cache-entitlements-quota')
  async onQuotaUpdated(event: EnvelopeOf<typeof QuotaUpdatedEvent>): Promise<void> {
    if (event.tenantId) await this.entitlementsOf(event.tenantId);
  }

  /**
   * A plan's included modules changed: every cached entitlement set is dropped (plans change
   * rarely; each tenant's set is rebuilt on its next request). Consumer `billing.drop-entitlements`.
   */
  @OnEvent(PlanUpdatedEvent, 'billing.drop-entitlements', { when: (p) => p.changed.includes('features') })
  async onPlanUpdated(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', 'entitlements:*', 'COUNT', 500);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
