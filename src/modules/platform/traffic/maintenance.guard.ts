import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MaintenanceMode } from './maintenance-mode';
import { routeAudience } from './route-audience';

/**
 * First global guard, before authentication: while the platform is in maintenance, every
 * tenant-facing route ({@link routeAudience} `tenant`) answers 503 `maintenance` with Retry-After
 * (RFC 9110 §15.6.4, §10.2.3) and the operators' message, without reading the credential — no
 * token check, no database — so a maintenance that touches PostgreSQL or Redis is not also a
 * flood of 401s or 500s. Staff routes, health probes and problem pages pass; routes shared by
 * staff and tenants (`/auth/me`) are decided after authentication by the TenantTrafficGuard.
 * The state is read from memory (MaintenanceMode), so this costs nothing while off.
 * @throws MaintenanceError
 */
@Injectable()
export class MaintenanceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly maintenance: MaintenanceMode,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.maintenance.current() && routeAudience(this.reflector, ctx) === 'tenant') this.maintenance.assertOpen();
    return true;
  }
}
