import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestContext } from '../context/request-context';
import { ForbiddenError } from '../errors/app-error';
import { AUTH_POLICY, AuthPolicy, IMPERSONATION_POLICY, ImpersonationPolicyValue, IS_PUBLIC, PARTNER_SCOPE } from './auth.decorators';

/** The 403 detail when a principal of another kind calls a route. */
const KIND_ONLY: Record<AuthPolicy['kind'], string> = {
  platform: 'This route is for platform staff only.',
  tenant: 'This route is for tenant users only.',
  service: 'This route is for product-module services only; a service token may call only /api/v1/service routes.',
};

/** Methods that change nothing: an undeclared one stays open to impersonation tokens. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Second and third global guards in one pass: the principal kind and role required by
 * `@PlatformAuth()`/`@TenantAuth()`/`@ServiceAuth()` (403 otherwise, `insufficient_scope` for a
 * service missing a scope; a service token on an `@AnyPrincipal()` route too; fails closed on a route that declares no
 * policy), then, for an impersonation token only, the route's `@ImpersonationPolicy()`
 * (403 `impersonation_forbidden` when denied). A POST/PUT/PATCH/DELETE that declares no
 * impersonation policy is denied (fails closed, logged); an undeclared read is allowed.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  private readonly logger = new Logger(PolicyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const policy = this.reflector.getAllAndOverride<AuthPolicy | null | undefined>(AUTH_POLICY, targets);
    const actor = this.context.actor;
    if (policy === undefined) {
      this.logger.error(`route ${ctx.getClass().name}.${ctx.getHandler().name} declares no auth policy; refusing`);
      throw new ForbiddenError();
    }
    if (policy && actor.type === 'partner') {
      // A partner key reaches only the tenant routes that name one of its scopes.
      const scope = this.reflector.getAllAndOverride<string | undefined>(PARTNER_SCOPE, targets);
      if (policy.kind !== 'tenant' || !scope) throw new ForbiddenError('This route is not open to partner API keys.');
      if (!(actor.scopes ?? []).includes(scope)) throw new ForbiddenError(`This route needs the scope ${scope}, which this API key was not granted.`, 'insufficient_scope');
      return true;
    }
    if (policy) {
      if (actor.type !== policy.kind) throw new ForbiddenError(KIND_ONLY[policy.kind]);
      if (policy.roles.length && !policy.roles.includes(actor.role ?? '')) {
        throw new ForbiddenError(`Your role (${actor.role}) may not perform this action.`);
      }
      const missing = (policy.scopes ?? []).filter((s) => !(actor.scopes ?? []).includes(s));
      if (missing.length) throw new ForbiddenError(`This route needs the scope ${missing.join(' ')}, which this client was not granted.`, 'insufficient_scope');
    } else if (actor.type === 'service' || actor.type === 'partner') {
      // `@AnyPrincipal()` routes (own profile, password, sign-out) belong to people.
      throw new ForbiddenError(KIND_ONLY.service);
    }
    if (actor.impersonatorId && this.impersonationPolicy(ctx, targets) === 'denied') {
      throw new ForbiddenError('This action is not allowed during impersonation.', 'impersonation_forbidden');
    }
    return true;
  }

  /** The route's declared impersonation policy; undeclared: reads allowed, writes denied. */
  private impersonationPolicy(ctx: ExecutionContext, targets: Parameters<Reflector['getAllAndOverride']>[1]): ImpersonationPolicyValue {
    const declared = this.reflector.getAllAndOverride<ImpersonationPolicyValue | undefined>(IMPERSONATION_POLICY, targets);
    if (declared) return declared;
    if (READ_METHODS.has(ctx.switchToHttp().getRequest<{ method: string }>().method)) return 'allowed';
    this.logger.error(`route ${ctx.getClass().name}.${ctx.getHandler().name} declares no impersonation policy; refusing the impersonation token`);
    return 'denied';
  }
}
