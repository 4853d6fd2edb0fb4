import { Injectable } from '@nestjs/common';
import { TenantDirectory } from '../../../common/tenancy';
import { NotFoundError } from '../../../common/errors';
import { Allowance, QuotaMetric, QuotaService } from '../../plans';
import { EntitlementsService } from '../entitlements.service';
import { EntitlementCheckDto, EntitlementCheckResultDto, ENTITLEMENTS_CACHE_TTL_SECONDS, ServiceEntitlementsDto } from './service-entitlements.dto';

/**
 * What a product-module service asks before it creates something for a tenant: the tenant's
 * standing, every module's entitlement and every metric's allowance, and an explainable
 * yes/no for one action — with the same facts and codes as the 402/403 problems the tenant routes
 * answer (quota_exceeded, tenant_suspended, module_not_enabled, tenant_not_found). Reads only:
 * a check reserves nothing (POST /service/quota/reservations does, atomically).
 */
@Injectable()
export class ServiceEntitlementsService {
  constructor(
    private readonly directory: TenantDirectory,
    private readonly quotas: QuotaService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** The tenant's standing, modules and allowances. @throws NotFoundError `tenant_not_found` (also for a deleted tenant) */
  async of(tenantId: string): Promise<ServiceEntitlementsDto> {
    const tenant = await this.directory.findById(tenantId);
    if (!tenant || tenant.status === 'deleted') throw new NotFoundError('Tenant', tenantId);
    const standing = await this.quotas.standing(tenantId);
    const views = await this.entitlements.views(tenantId);
    const features = await this.quotas.features(tenantId);
    return {
      tenantId,
      status: tenant.status === 'suspended' || standing.billingStatus === 'suspended' ? 'suspended' : 'active',
      billingStatus: standing.billingStatus,
      planCode: features.planCode,
      modules: views.map((v) => ({ code: v.module.code, isEntitled: v.enabled, reason: v.reason })),
      metrics: standing.allowances.map(toMetricDto),
      cacheTtlSeconds: ENTITLEMENTS_CACHE_TTL_SECONDS,
    };
  }

  /**
   * Whether the tenant may take an action: unknown or deleted tenant → `tenant_not_found`;
   * suspended (by staff or for non-payment) → `tenant_suspended`; `moduleCode` not enabled →
   * `module_not_enabled` with the module's reason; `metric` with fewer than `amount` (default 1)
   * left → `quota_exceeded` with limit and used. Checked in that order; the first refusal answers.
   */
  async check(dto: EntitlementCheckDto): Promise<EntitlementCheckResultDto> {
    const tenant = await this.directory.findById(dto.tenantId);
    if (!tenant || tenant.status === 'deleted') {
      return { allowed: false, code: 'tenant_not_found', reason: `Tenant ${dto.tenantId} does not exist.`, upgradeHint: null };
    }
    const standing = await this.quotas.standing(dto.tenantId);
    if (tenant.status === 'suspended' || standing.billingStatus === 'suspended') {
      const byStaff = tenant.status === 'suspended';
      return {
        allowed: false,
        code: 'tenant_suspended',
        reason: byStaff ? 'The organisation is suspended: it is read-only until it is reactivated.' : 'The organisation is suspended for non-payment: it is read-only until its open invoice is paid.',
        upgradeHint: byStaff ? 'Platform staff can reactivate the organisation.' : 'A tenant admin can pay the open invoice at POST /api/v1/tenant/invoices/{invoiceId}/pay.',
      };
    }
    if (dto.moduleCode !== undefined) {
      const view = (await this.entitlements.views(dto.tenantId)).find((v) => v.module.code === dto.moduleCode);
      if (!view || !view.enabled) {
        const reason = view?.reason ?? 'unknown_module';
        return {
          allowed: false,
          code: 'module_not_enabled',
          moduleReason: reason,
          reason: `The ${dto.moduleCode} module is not enabled for this organisation (${reason}).`,
          upgradeHint: view ? `A tenant admin can start a trial or subscribe at POST /api/v1/tenant/modules/${dto.moduleCode}/subscribe.` : null,
        };
      }
    }
    if (dto.metric !== undefined) {
      const amount = dto.amount ?? 1;
      const a = standing.allowances.find((x) => x.metric === (dto.metric as QuotaMetric))!;
      const facts = { metric: a.metric, limit: a.limit, used: a.used, remaining: a.remaining };
      if (a.limit !== null && a.used + amount > a.limit) {
        return {
          allowed: false,
          code: 'quota_exceeded',
          ...facts,
          reason: `Your plan allows ${a.limit} ${a.metric}; ${a.used} are in use${amount > 1 ? ` and ${amount} more were asked for` : ''}.`,
          upgradeHint: 'A tenant admin can upgrade the plan at POST /api/v1/tenant/subscription/change-plan, or free some up; staff can grant a limit override.',
        };
      }
      return { allowed: true, ...facts, reason: a.limit === null ? `${a.metric} is unlimited on this plan.` : `${a.remaining} ${a.metric} left; ${amount} asked for.`, upgradeHint: null };
    }
    return { allowed: true, reason: dto.moduleCode ? `The ${dto.moduleCode} module is enabled.` : 'The organisation is active.', upgradeHint: null };
  }
}

function toMetricDto(a: Allowance) {
  return { metric: a.metric, limit: a.limit, used: a.used, remaining: a.remaining, ...(a.periodStart ? { periodStart: a.periodStart, periodEnd: a.periodEnd } : {}) };
}
