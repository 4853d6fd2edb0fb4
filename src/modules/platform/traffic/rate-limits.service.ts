import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../../common/context';
import { ValidationError } from '../../../common/errors';
import { EventBus, UnitOfWork } from '../../../common/events';
import { Page } from '../../../common/http';
import { Clock } from '../../../common/time';
import { TenantRateLimits, TenantRateLimitView } from '../../plans';
import { RateLimitListQueryDto, SetTenantRateLimitDto, TenantRateLimitDto } from './dto/rate-limits.dto';
import { TenantRateLimiter } from './tenant-rate-limiter';
import { TenantRateLimitUpdatedEvent } from './traffic.events';

/**
 * Staff reads and overrides of tenants' request rates (stored by the plans context), audited by
 * the calling route; a change publishes `rate_limit.updated`.
 */
@Injectable()
export class RateLimitsService {
  constructor(
    private readonly rates: TenantRateLimits,
    private readonly limiter: TenantRateLimiter,
    private readonly context: RequestContext,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  async list(query: RateLimitListQueryDto): Promise<Page<TenantRateLimitDto>> {
    const page = await this.rates.list(query);
    return { ...page, data: page.data.map((v) => this.toDto(v)) };
  }

  /** @throws NotFoundError `tenant_not_found` */
  async get(tenantId: string): Promise<TenantRateLimitDto> {
    return this.toDto(await this.rates.get(tenantId));
  }

  /**
   * Sets the tenant's override. This instance applies it once committed; the others within
   * RATE_BASIS_TTL_MS. @throws ValidationError (`until` not in the future) | NotFoundError `tenant_not_found`
   */
  async set(tenantId: string, dto: SetTenantRateLimitDto): Promise<TenantRateLimitDto> {
    const until = dto.until ?? null;
    if (until && until.getTime() <= this.clock.now().getTime()) throw new ValidationError([{ field: 'until', message: 'until must be in the future' }]);
    const { before, after } = await this.rates.setOverride(tenantId, { requestsPerMinute: dto.requestsPerMinute, burst: dto.burst, until, reason: dto.reason ?? null });
    return this.changed(tenantId, before, after);
  }

  /** Clears the tenant's override (no override: nothing changes). @throws NotFoundError `tenant_not_found` */
  async clear(tenantId: string): Promise<TenantRateLimitDto> {
    const { before, after } = await this.rates.clearOverride(tenantId);
    return this.changed(tenantId, before, after);
  }

  private async changed(tenantId: string, before: TenantRateLimitView, after: TenantRateLimitView): Promise<TenantRateLimitDto> {
    const dto = this.toDto(after);
    const o = after.override;
    if (JSON.stringify(before.override) !== JSON.stringify(o)) {
      await this.events.publish(
        new TenantRateLimitUpdatedEvent(tenantId, {
          requestsPerMinute: dto.requestsPerMinute,
          burst: dto.burst,
          source: dto.source,
          override: o ? { requestsPerMinute: o.requestsPerMinute, burst: o.burst, until: o.until?.toISOString() ?? null } : null,
        }),
      );
    }
    this.context.noteAudit({ tenantId, resourceId: tenantId, before: this.toDto(before), after: dto });
    await this.uow.afterCommit(async () => this.limiter.forget(tenantId));
    return dto;
  }

  private toDto(v: TenantRateLimitView): TenantRateLimitDto {
    const now = this.clock.now().getTime();
    const o = v.override;
    return {
      tenantId: v.tenantId,
      requestsPerMinute: v.effective.requestsPerMinute,
      burst: v.effective.burst,
      source: v.effective.source,
      until: v.effective.until?.toISOString() ?? null,
      plan: { code: v.planCode, requestsPerMinute: v.plan.requestsPerMinute, burst: v.plan.burst, source: v.plan.source === 'plan' ? 'plan' : 'default' },
      override: o
        ? { requestsPerMinute: o.requestsPerMinute, burst: o.burst, until: o.until?.toISOString() ?? null, reason: o.reason, isExpired: o.until !== null && o.until.getTime() <= now }
        : null,
    };
  }
}
