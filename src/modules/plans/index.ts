export { PLANS_ERRORS } from './errors';
export {
  COUNT_PERIOD_START,
  CountMetricCode,
  isMetricCode,
  METRIC_CODES,
  METRIC_OWNERS,
  MetricCode,
  MetricDefinition,
  metricDefinition,
  MetricKind,
  MetricOwner,
  MetricPeriod,
  MetricReset,
  METRICS,
  metricsOwnedBy,
  MetricsOwnedBy,
  periodOf,
  pickMetrics,
} from './metrics';
export { describeMetric, MAX_LIMIT, MetricLimitFields, MetricValueFields } from './metric-fields';
export { UsageLedger } from './usage-ledger';
export { PlansModule } from './plans.module';
export { QuotaService, Allowance, CatalogPlan, effectiveLimit, effectiveLimits, effectiveLimitSql, LICENSED_METRIC, QuotaBillingState, toAllowance } from './quota.service';
export { CatalogModule, ModuleCatalogService } from './modules.service';
export { PricingModel, PRICING_MODELS } from './entities/product-module.entity';
export { QuotaGuard } from './quota.guard';
export { EnforceQuota, QuotaPrecheckPipe } from './quota-precheck.pipe';
export { QuotaExceededError } from './quota.errors';
export { QuotaMetric, PlanLimits } from './entities/plan.entity';
export { BillingStatus, BILLING_STATUSES } from './entities/tenant-quota.entity';
export { AllowanceDto } from './dto/quota.dto';
export { MAX_PRICE_CENTS, PlanLimitsDto } from './dto/plan.dto';
export { TenantRateLimits, TenantRateLimitView } from './tenant-rate-limits.service';
export {
  BURST_WINDOW_SECONDS,
  EffectiveRateLimit,
  effectiveRateLimit,
  MAX_RATE_LIMIT,
  RATE_LIMIT_SOURCES,
  RATE_WINDOW_SECONDS,
  RateLimit,
  RateLimitOverride,
  RateLimitSource,
  TenantRateLimitBasis,
} from './rate-limit';
export { RateLimitInputDto } from './dto/plan.dto';
