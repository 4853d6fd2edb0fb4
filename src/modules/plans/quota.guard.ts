import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_POLICY, AuthPolicy } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ForbiddenError } from '../../common/errors';
import { ApiProblems } from '../../common/http';
import type { QuotaMetric } from './entities/plan.entity';
import { QuotaExceededError } from './quota.errors';
import { QuotaService } from './quota.service';

export const ENFORCE_QUOTA = 'quota:metric';

/**
 * Marks a route that creates one metered resource of `metric`: the global QuotaGuard
 * pre-checks it (402 when nothing is left) and the creating service reserves atomically.
 */
export const EnforceQuota = (metric: QuotaMetric) => applyDecorators(SetMetadata(ENFORCE_QUOTA, metric), ApiProblems(402));

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard after authentication and policy (CONVENTIONS §4):
 * 1. suspension policy (issue 3 §2): while a tenant is suspended, its non-admin users get 403
 *    `tenant_suspended` on every tenant route (/api/v1/tenant/...), its admins on every write
 *    there; session routes (/auth/me, logout) stay usable; staff are unaffected. The
 *    flag comes with the token inspection, so reads cost no query here;
 * 2. `@EnforceQuota(metric)` pre-check on creating routes: 402 when the allowance is used up.
 *    The authoritative check is the service's atomic reservation in the transaction.
 */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly quotas: QuotaService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const actor = this.context.actor;
    if (actor.type !== 'tenant' || !actor.tenantId) return true;
    const method = ctx.switchToHttp().getRequest<{ method: string }>().method;
    const tenantRoute = this.reflector.getAllAndOverride<AuthPolicy | null | undefined>(AUTH_POLICY, [ctx.getHandler(), ctx.getClass()])?.kind === 'tenant';
    if (actor.tenantSuspended && tenantRoute && (actor.role !== 'admin' || !READ_METHODS.has(method))) {
      throw new ForbiddenError(
        actor.role === 'admin' ? 'Your organisation is suspended: it is read-only until it is reactivated.' : 'Your organisation is suspended.',
        'tenant_suspended',
      );
    }
    const metric = this.reflector.get<QuotaMetric | undefined>(ENFORCE_QUOTA, ctx.getHandler());
    if (metric) {
      const allowance = await this.quotas.allowance(actor.tenantId, metric);
      if (allowance.remaining !== null && allowance.remaining <= 0) {
        throw new QuotaExceededError(metric, allowance.limit ?? 0, allowance.used);
      }
    }
    return true;
  }
}
