import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTH_POLICY, AuthPolicy, IS_PUBLIC } from '../../../common/auth';

/**
 * Who a route serves, for maintenance mode: `staff` (platform routes, /api/v1/admin/**), `tenant`
 * (tenant users, partner API keys and product-module services: /tenant, /service, tenant sign-in,
 * password reset, the OAuth token endpoint), `shared` (routes of any signed-in principal such as
 * /auth/me and the token refresh: decided by the actor once authenticated), `open` (health probes,
 * the problem type pages).
 */
export type RouteAudience = 'staff' | 'tenant' | 'shared' | 'open';

const API = '/api/v1/';

/**
 * The audience of the route `ctx` runs, from its auth decorators: `@PlatformAuth` → staff,
 * `@TenantAuth`/`@ServiceAuth` → tenant, `@AnyPrincipal` → shared. A `@Public()` route has no
 * principal to read, so its path decides: under /api/v1/admin/ staff, outside /api/v1/ (health)
 * and /api/v1/problems open, the token refresh shared (staff renew their tokens through it), any
 * other public route tenant — a new public route is paused by maintenance unless it is listed here.
 */
export function routeAudience(reflector: Reflector, ctx: ExecutionContext): RouteAudience {
  const targets = [ctx.getHandler(), ctx.getClass()];
  if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
    const path = (ctx.switchToHttp().getRequest<Request>().originalUrl ?? '').split('?')[0];
    if (!path.startsWith(API) || path.startsWith(`${API}problems`)) return 'open';
    if (path.startsWith(`${API}admin/`)) return 'staff';
    if (path === `${API}auth/refresh`) return 'shared';
    return 'tenant';
  }
  const policy = reflector.getAllAndOverride<AuthPolicy | null | undefined>(AUTH_POLICY, targets);
  if (!policy) return 'shared';
  return policy.kind === 'platform' ? 'staff' : 'tenant';
}
