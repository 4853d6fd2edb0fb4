import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-docs';

export const IS_PUBLIC = 'auth:public';
export const AUTH_POLICY = 'auth:policy';
export const IMPERSONATION_POLICY = 'auth:impersonationPolicy';
/** OpenAPI extension naming an operation's impersonation policy (`allowed` | `denied`). */
export const IMPERSONATION_EXTENSION = 'x-impersonation';

/** Principal kinds: platform staff, a tenant's user, or a product-module service (CONVENTIONS §11). */
export type PrincipalKind = 'platform' | 'tenant' | 'service';
/** Platform staff roles. */
export const STAFF_ROLES = ['owner', 'admin', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Tenant user roles. */
export const TENANT_ROLES = ['admin', 'manager', 'member', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * The scopes a product-module service can be granted (OAuth 2.0, RFC 6749 §3.3): read a tenant's
 * entitlements, reserve and release quota, report usage, read usage, introspect partner API keys.
 */
export const SERVICE_SCOPES = ['entitlements:read', 'quota:reserve', 'usage:write', 'usage:read', 'api-keys:introspect'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

/**
 * The scopes a tenant admin can grant a partner's API key: read the tenant's users, read its audit
 * log, stream its events, manage its webhook endpoints.
 */
export const PARTNER_SCOPES = ['users:read', 'audit:read', 'events:read', 'webhooks:write'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** Metadata key of {@link PartnerAccess}. */
export const PARTNER_SCOPE = 'auth:partnerScope';

/**
 * Opens a `@TenantAuth()` route to the tenant's partners (an API key, `X-Api-Key`) that hold
 * `scope`; without it a partner key gets 403 on every tenant route (fails closed). Users of the
 * tenant keep their role rule.
 */
export const PartnerAccess = (scope: PartnerScope) => applyDecorators(SetMetadata(PARTNER_SCOPE, scope), ApiExtension('x-partner-scope', scope), ApiSecurity('apiKey'));

/** Who may call a route: a principal kind and, optionally, a subset of its roles; a service route names the scopes it needs (all of them). */
export interface AuthPolicy {
  kind: PrincipalKind;
  roles: readonly string[];
  scopes?: readonly ServiceScope[];
}

/** Marks a route as reachable without a token (login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

const policy = (kind: PrincipalKind, roles: readonly string[], scopes?: readonly ServiceScope[]) =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind, roles, ...(scopes ? { scopes } : {}) } satisfies AuthPolicy),
    ApiBearerAuth(),
    ApiProblems(401, 403),
  );

/** Platform staff only; with roles, only those staff roles (others → 403). */
export const PlatformAuth = (...roles: StaffRole[]) => policy('platform', roles);
/** Tenant users only; with roles, only those tenant roles (others → 403). */
export const TenantAuth = (...roles: TenantRole[]) => policy('tenant', roles);
/**
 * Product-module services only (a client-credentials token, POST /api/v1/oauth/token), holding
 * every listed scope: a staff or tenant token → 403; a service token without a scope → 403
 * `insufficient_scope` (RFC 6750 §3.1). The tenant of a service route is a parameter.
 */
export const ServiceAuth = (...scopes: ServiceScope[]) => policy('service', [], scopes);
/** Any signed-in staff member or tenant user (e.g. /auth/me); a service token → 403. */
export const AnyPrincipal = () =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, null),
    ApiBearerAuth(),
    ApiProblems(401),
  );

/**
 * Whether an impersonation token (a tenant-user token with an RFC 8693 `act` claim) may call a
 * route: `allowed`, or `denied` → 403 `impersonation_forbidden`.
 */
export type ImpersonationPolicyValue = 'allowed' | 'denied';

/**
 * Declares a route's (or, on a class, each of its routes') impersonation policy, enforced by the
 * PolicyGuard and published as the operation's `x-impersonation` extension. Every mutating route
 * a tenant token can reach must declare one: an undeclared POST/PUT/PATCH/DELETE is refused to
 * impersonation tokens (fails closed), and the coverage e2e test lists it. Reads default to
 * allowed. Deny money, credentials (own password, reset tokens, API keys), webhook secrets and
 * settings that govern staff access; allow the routine admin work support does on a customer's
 * behalf. Method-level declarations override the class's.
 */
export const ImpersonationPolicy = (policy: ImpersonationPolicyValue) =>
  applyDecorators(
    SetMetadata(IMPERSONATION_POLICY, policy),
    ApiExtension(IMPERSONATION_EXTENSION, policy),
    ...(policy === 'denied' ? [ApiProblems(403)] : []),
  );

/** Alias of `@ImpersonationPolicy('denied')`: 403 `impersonation_forbidden` to an impersonation token. */
export const DenyDuringImpersonation = () => ImpersonationPolicy('denied');

/** Metadata key of {@link AllowPaymentWhileSuspended}. */
export const PAYMENT_WHILE_SUSPENDED = 'auth:paymentWhileSuspended';

/**
 * Marks a tenant route a tenant admin must be able to call while the tenant is suspended for
 * non-payment (billing suspension): adding a payment method, paying an open invoice — the way
 * out of the suspension. A suspension by staff still makes the route read-only (QuotaGuard).
 */
export const AllowPaymentWhileSuspended = () => SetMetadata(PAYMENT_WHILE_SUSPENDED, true);
