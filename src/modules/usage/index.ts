export { USAGE_ERRORS } from './errors';
export { UsageCounters, UsageValues, countMetricJoinSql } from './usage-counters.service';
export { UsageSource, UsageSourceMeta, ReportsUsage } from './usage-source';
export { UsageSources } from './usage-sources';
export { UsageModule } from './usage.module';
export { UsageDrift, UsageRecalculationService } from './usage-recalculation.service';
