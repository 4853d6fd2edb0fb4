export { PLANS_ERRORS } from './errors';
export { PlansModule } from './plans.module';
export { QuotaService, Allowance, effectiveLimit, effectiveLimitSql, toAllowance } from './quota.service';
export { QuotaGuard } from './quota.guard';
export { EnforceQuota, QuotaPrecheckPipe } from './quota-precheck.pipe';
export { QuotaExceededError } from './quota.errors';
export { QuotaMetric, PlanLimits } from './entities/plan.entity';
export { BillingStatus, BILLING_STATUSES } from './entities/tenant-quota.entity';
export { AllowanceDto } from './dto/quota.dto';
