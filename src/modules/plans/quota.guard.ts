import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_POLICY, AuthPolicy } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ForbiddenError } from '../../common/errors';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard after authentication and policy (CONVENTIONS §4): the suspension policy
 * (issue 3 §2). While a tenant is suspended, its non-admin users get 403 `tenant_suspended` on
 * every tenant route (/api/v1/tenant/...), its admins on every write there; session routes
 * (/auth/me, logout) stay usable; staff are unaffected. It answers before validation: whatever
 * the body, a suspended tenant may not write. The flag comes with the token inspection, so it
 * costs no query. The `@EnforceQuota(metric)` pre-check runs later, after validation, in the
 * QuotaPrecheckPipe (docs/adr/0012).
 * @throws ForbiddenError `tenant_suspended`.
 */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
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
    return true;
  }
}
