export { USAGE_METRICS, UsageMetric, UsageSnapshot, METRIC_COLUMN } from './usage-metrics';
export { UsageCounters } from './usage-counters.service';
export { UsageModule } from './usage.module';
export { UsageRecalculationService } from './usage-recalculation.service';
