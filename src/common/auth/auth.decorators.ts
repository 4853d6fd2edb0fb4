import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-docs';

export const IS_PUBLIC = 'auth:public';
export const AUTH_POLICY = 'auth:policy';
export const DENY_DURING_IMPERSONATION = 'auth:denyDuringImpersonation';

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
 * Refuses the route to an impersonation token with 403 `impersonation_forbidden`
 * (own password change, password resets, API keys, payment details).
 */
export const DenyDuringImpersonation = () =>
  applyDecorators(
    SetMetadata(DENY_DURING_IMPERSONATION, true),
    ApiProblems(403),
  );
