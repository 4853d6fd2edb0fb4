import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { RequestContext } from '../context/request-context';
import { ForbiddenError } from '../errors/app-error';
import { ApiProblems } from '../http/api-docs';

/** Metadata key of {@link RequiresModule}. */
export const REQUIRED_MODULE = 'auth:requiredModule';
/** OpenAPI extension naming the module an operation belongs to. */
export const REQUIRED_MODULE_EXTENSION = 'x-requires-module';

/** Why a module is enabled or not for a tenant (GET /api/v1/tenant/entitlements). */
export const ENTITLEMENT_REASONS = [
  'enabled_by_staff',
  'included_in_plan',
  'trial',
  'subscribed',
  'past_due_grace',
  'disabled_by_staff',
  'deactivated_by_tenant',
  'not_subscribed',
  'subscription_cancelled',
  'subscription_suspended',
  'subscription_past_due',
  'unknown_module',
] as const;
export type EntitlementReason = (typeof ENTITLEMENT_REASONS)[number];

/** One module's entitlement for a tenant. */
export interface ModuleEntitlement {
  enabled: boolean;
  reason: EntitlementReason;
}

/** A tenant's entitlements, by module code. */
export type TenantEntitlements = Record<string, ModuleEntitlement>;

/**
 * Port: a tenant's module entitlements computed from PostgreSQL (the billing context provides it).
 * `entitlementsOf` also stores them where the token inspection reads them (Redis), so the next
 * request needs no query.
 */
export abstract class EntitlementSource {
  abstract entitlementsOf(tenantId: string): Promise<TenantEntitlements>;
}

/**
 * Declares that a route belongs to product module `code`: a tenant principal whose tenant is not
 * entitled to it gets 403 `module_not_enabled` (module, reason, subscribeUrl) from the global
 * {@link ModuleGuard}. Published as the operation's `x-requires-module`.
 */
export const RequiresModule = (code: string) =>
  applyDecorators(SetMetadata(REQUIRED_MODULE, code), ApiExtension(REQUIRED_MODULE_EXTENSION, code), ApiProblems('module_not_enabled'));

/**
 * Global guard after the suspension policy: enforces {@link RequiresModule}. The entitlements come
 * with the token inspection (one Redis MGET, docs/adr/0005); when they are not cached yet they are
 * computed from PostgreSQL (and cached). A module missing from them is refused (fails closed).
 * Principals other than tenant users and partners pass (staff routes do not declare modules).
 * @throws ForbiddenError `module_not_enabled`
 */
@Injectable()
export class ModuleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly source: EntitlementSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const code = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_MODULE, [ctx.getHandler(), ctx.getClass()]);
    if (!code) return true;
    const actor = this.context.actor;
    if ((actor.type !== 'tenant' && actor.type !== 'partner') || !actor.tenantId) return true;
    const entitlements = actor.moduleEntitlements !== null ? (JSON.parse(actor.moduleEntitlements) as TenantEntitlements) : await this.source.entitlementsOf(actor.tenantId);
    const entitlement = entitlements[code] ?? { enabled: false, reason: 'unknown_module' };
    if (entitlement.enabled) return true;
    throw new ForbiddenError(`The ${code} module is not enabled for your organisation (${entitlement.reason}).`, 'module_not_enabled', {
      module: code,
      reason: entitlement.reason,
      subscribeUrl: `/api/v1/tenant/modules/${code}/subscribe`,
    });
  }
}
