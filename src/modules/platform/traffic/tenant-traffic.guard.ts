import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { RequestContext } from '../../../common/context';
import { BURST_WINDOW_SECONDS, RATE_WINDOW_SECONDS } from '../../plans';
import { MaintenanceMode } from './maintenance-mode';
import { routeAudience } from './route-audience';
import { TenantRateLimiter } from './tenant-rate-limiter';
import { TenantRateLimitedError } from './traffic.errors';

const TENANT_FACING = new Set(['tenant', 'partner', 'service']);

/**
 * Global guard after authentication and the policy guard, for requests acting for a tenant:
 *
 * 1. Maintenance on routes shared by staff and tenants (`@AnyPrincipal`, the token refresh):
 *    503 `maintenance` when the actor is a tenant user, a partner key or a service (the
 *    MaintenanceGuard already answered every tenant-only route before authentication).
 * 2. The tenant's request rate (plan, override or platform default; TenantRateLimiter), for tenant
 *    users (impersonation included: staff act as the tenant) and partner API keys of the tenant.
 *    Every answer carries the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers):
 *    `RateLimit-Limit` (requests per minute), `RateLimit-Remaining`, `RateLimit-Reset` (seconds),
 *    `RateLimit-Policy`; past the rate and its burst, 429 `tenant_rate_limited` (RFC 6585 §4) with
 *    Retry-After. It runs before the suspension, module and quota checks, so a tenant past its
 *    rate gets 429 whatever else it would have been told (402 billing/quota, 403 plan/module).
 *
 * Product-module services are not counted against a tenant's rate, even on routes naming a
 * tenant: one client acts for every tenant, it has its own limit (ServiceRateLimitGuard), and its
 * calls — usage reports, quota reservations — are the metering a throttled tenant is still billed
 * by; refusing them would lose usage, not protect capacity.
 * @throws MaintenanceError | TenantRateLimitedError
 */
@Injectable()
export class TenantTrafficGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly maintenance: MaintenanceMode,
    private readonly limiter: TenantRateLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const actor = this.context.actor;
    if (this.maintenance.current() && TENANT_FACING.has(actor.type) && routeAudience(this.reflector, ctx) === 'shared') this.maintenance.assertOpen();
    if ((actor.type !== 'tenant' && actor.type !== 'partner') || !actor.tenantId) return true;
    const decision = await this.limiter.consume(actor.tenantId);
    if (!decision) return true;
    const { rate } = decision;
    const res = ctx.switchToHttp().getResponse<Response>();
    res.setHeader('RateLimit-Limit', String(rate.requestsPerMinute));
    res.setHeader('RateLimit-Remaining', String(decision.remaining));
    res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    res.setHeader('RateLimit-Policy', `${rate.requestsPerMinute};w=${RATE_WINDOW_SECONDS}${rate.burst ? `, ${rate.burst};w=${BURST_WINDOW_SECONDS};comment="burst"` : ''}`);
    if (!decision.allowed) throw new TenantRateLimitedError(decision.resetSeconds, rate.requestsPerMinute);
    return true;
  }
}
