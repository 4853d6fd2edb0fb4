import { ApiProperty } from '@nestjs/swagger';

/** Tenant counts. */
export class DashboardTenantsDto {
  @ApiProperty({ example: 412, description: 'Tenants not deleted (activeTenants + suspendedTenants)' }) total: number;
  @ApiProperty({ example: 398, description: 'Tenants with status `active` (trials included)' }) activeTenants: number;
  @ApiProperty({ example: 14, description: 'Tenants with status `suspended` (by staff or for non-payment)' }) suspendedTenants: number;
  @ApiProperty({ example: 37, description: 'Tenants not deleted whose plan subscription is in its free trial (billing status `trial`); they are also counted in `activeTenants` or `suspendedTenants`' }) trialTenants: number;
  @ApiProperty({ example: 6, description: 'Tenants deleted and not yet purged (not in `total`)' }) deletedTenants: number;
  @ApiProperty({ example: 21, description: 'Tenants created since the 1st of the current month, 00:00 UTC, whatever their status now' }) newThisMonth: number;
}

/** MRR in one currency. */
export class DashboardMrrDto {
  @ApiProperty({ example: 'USD', description: 'ISO 4217 currency (no conversion between currencies)' }) currency: string;
  @ApiProperty({ example: 1_234_500, description: 'Monthly recurring revenue now, in minor units of `currency` (cents): the sum of every tenant’s current MRR (annual prices count as 1/12, discounts applied), as in GET /admin/billing/metrics' }) mrrCents: number;
  @ApiProperty({ example: 210, description: 'Tenants with MRR above 0 in this currency' }) payingTenants: number;
}

/** Trials ending soon. */
export class DashboardTrialsDto {
  @ApiProperty({ example: 4, description: 'Plan trials ending within the next 7 days (after now, at most now + 7 × 24 h)' }) within7Days: number;
  @ApiProperty({ example: 15, description: 'Plan trials ending within the next 30 days (includes within7Days)' }) within30Days: number;
}

/** Tenant users. */
export class DashboardUsersDto {
  @ApiProperty({ example: 5230, description: 'Active (not deactivated) users of tenants that are not deleted; platform staff not included' }) total: number;
  @ApiProperty({ example: 812, description: 'Distinct tenant users (of tenants not deleted) whose latest sign-in is at or after today 00:00 UTC' }) activeToday: number;
}

/** A tenant near or over a plan limit. */
export class UsageOutlierDto {
  @ApiProperty({ example: '5b0c8c1e-6f0e-4c1a-9f55-2f0a8a1c3b7d', format: 'uuid' }) tenantId: string;
  @ApiProperty({ example: 'Acme Corp' }) tenantName: string;
  @ApiProperty({ example: 'acme' }) tenantSlug: string;
  @ApiProperty({ example: 'members', description: 'Metric code of the plan limit (GET /admin/plans lists them)' }) metric: string;
  @ApiProperty({ example: 12, description: 'Current usage (for a monthly metric, in the current calendar month UTC)' }) used: number;
  @ApiProperty({ example: 10, description: 'The tenant’s effective limit (its override, else its plan’s)' }) limit: number;
  @ApiProperty({ example: 120, description: 'used / limit × 100, one decimal; above 100 = over the limit' }) percent: number;
}

/** Alerts not resolved. */
export class DashboardAlertsBySeverityDto {
  @ApiProperty({ example: 1 }) critical: number;
  @ApiProperty({ example: 3 }) warning: number;
  @ApiProperty({ example: 0 }) info: number;
}

/** Alerts not resolved. */
export class DashboardAlertsDto {
  @ApiProperty({ example: 3, description: 'Alerts open and not acknowledged (GET /admin/alerts?status=open)' }) open: number;
  @ApiProperty({ example: 1, description: 'Alerts acknowledged but not resolved (their condition still holds)' }) acknowledged: number;
  @ApiProperty({ type: DashboardAlertsBySeverityDto, description: 'Open and acknowledged alerts by severity' }) bySeverity: DashboardAlertsBySeverityDto;
}

/** GET /admin/dashboard. */
export class DashboardDto {
  @ApiProperty({ example: '2026-05-04T09:30:00.000Z', description: 'The instant the figures describe (ISO 8601 UTC)' }) generatedAt: string;
  @ApiProperty({ type: DashboardTenantsDto }) tenants: DashboardTenantsDto;
  @ApiProperty({ type: [DashboardMrrDto], description: 'MRR per currency with MRR, by currency code' }) mrr: DashboardMrrDto[];
  @ApiProperty({ type: DashboardTrialsDto }) trialsExpiring: DashboardTrialsDto;
  @ApiProperty({ type: DashboardUsersDto }) users: DashboardUsersDto;
  @ApiProperty({ type: [UsageOutlierDto], description: 'At most 10 (tenant, metric) pairs with the highest used / limit among metrics with a positive limit, highest first (ties: higher usage first)' }) topUsageOutliers: UsageOutlierDto[];
  @ApiProperty({ type: DashboardAlertsDto }) alerts: DashboardAlertsDto;
}
