import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-docs';

export const IS_PUBLIC = 'auth:public';
export const AUTH_POLICY = 'auth:policy';
export const IMPERSONATION_POLICY = 'auth:impersonationPolicy';
/** OpenAPI extension naming an operation's impersonation policy (`allowed` | `denied`). */
export const IMPERSONATION_EXTENSION = 'x-impersonation';

/** Principal kinds: platform staff or a tenant's user. */
export type PrincipalKind = 'platform' | 'tenant';
/** Platform staff roles. */
export const STAFF_ROLES = ['owner', 'admin', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Tenant user roles. */
export const TENANT_ROLES = ['admin', 'manager', 'member', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Who may call a route: a principal kind and, optionally, a subset of its roles. */
export interface AuthPolicy {
  kind: PrincipalKind;
  roles: readonly string[];
}

/** Marks a route as reachable without a token (login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

const policy = (kind: PrincipalKind, roles: readonly string[]) =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind, roles } satisfies AuthPolicy),
    ApiBearerAuth(),
    ApiProblems(401, 403),
  );

/** Platform staff only; with roles, only those staff roles (others → 403). */
export const PlatformAuth = (...roles: StaffRole[]) => policy('platform', roles);
/** Tenant users only; with roles, only those tenant roles (others → 403). */
export const TenantAuth = (...roles: TenantRole[]) => policy('tenant', roles);
/** Any authenticated principal (e.g. /auth/me). */
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
