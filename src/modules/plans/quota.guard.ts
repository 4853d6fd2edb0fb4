import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_POLICY, AuthPolicy, PAYMENT_WHILE_SUSPENDED } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ForbiddenError } from '../../common/errors';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard after authentication and policy (CONVENTIONS §4): the suspension policy
 * (issue 3 §2). While a tenant is suspended, its non-admin users get 403 `tenant_suspended` on
 * every tenant route (/api/v1/tenant/...), its admins on every write there — except, when only
 * billing suspended it (non-payment), the routes marked `@AllowPaymentWhileSuspended()`; session routes
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
    // A partner key is held to the same rule as a tenant's non-admin user.
    if ((actor.type !== 'tenant' && actor.type !== 'partner') || !actor.tenantId) return true;
    const method = ctx.switchToHttp().getRequest<{ method: string }>().method;
    const tenantRoute = this.reflector.getAllAndOverride<AuthPolicy | null | undefined>(AUTH_POLICY, [ctx.getHandler(), ctx.getClass()])?.kind === 'tenant';
    // A tenant suspended for non-payment only (not by staff) lets its admins pay their way out.
    const paying = actor.role === 'admin' && !actor.tenantSuspendedByStaff && this.reflector.get<boolean>(PAYMENT_WHILE_SUSPENDED, ctx.getHandler()) === true;
    if (actor.tenantSuspended && tenantRoute && !paying && (actor.role !== 'admin' || !READ_METHODS.has(method))) {
      throw new ForbiddenError(
        actor.role === 'admin' ? 'Your organisation is suspended: it is read-only until it is reactivated.' : 'Your organisation is suspended.',
        'tenant_suspended',
      );
    }
    return true;
  }
}
