import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MetricCode, MetricDefinition, METRICS } from './metrics';

/** Largest limit a metric can have (a PostgreSQL int; quota limits are compared as integers). */
export const MAX_LIMIT = 2_147_483_647;

/** How a metric's value reads, from the registry: description, unit and what the number counts. */
export function describeMetric(m: MetricDefinition): string {
  const what = m.kind === 'count' ? 'current level' : 'total in the current calendar month (UTC)';
  return `${m.description} (${m.unit}; ${what})`;
}

/**
 * One property per registry metric on a new base class, in registry order: its OpenAPI schema is
 * `property(m)` and its validation `validators(m)` (none on response DTOs). DTOs extend the result
 * (`class PlanLimitsDto extends MetricFields(...) {}`), so their schema keeps its name and JSON
 * shape (`{ members, orgAdmins, … }`) while the list of metrics comes from the registry alone.
 */
function metricFields<T>(property: (m: MetricDefinition) => ApiPropertyOptions, validators: (m: MetricDefinition) => PropertyDecorator[] = () => []): new () => T {
  class MetricFieldsBase {}
  for (const m of METRICS) {
    for (const decorate of [ApiProperty(property(m)), ...validators(m)]) decorate(MetricFieldsBase.prototype, m.code);
  }
  return MetricFieldsBase as new () => T;
}

/**
 * Base of a per-metric limit map (plan limits, quota overrides, effective limits): every metric
 * optional, an integer 0…{@link MAX_LIMIT} or null (unlimited). With the global ValidationPipe
 * (`forbidNonWhitelisted`) a key outside the registry is a 400 naming it (`limits.seats`).
 */
export function MetricLimitFields(): new () => Partial<Record<MetricCode, number | null>> {
  return metricFields(
    (m) => ({ type: 'integer', nullable: true, required: false, minimum: 0, maximum: MAX_LIMIT, description: `Limit of: ${describeMetric(m)}. null = unlimited` }),
    () => [IsOptional(), IsInt(), Min(0), Max(MAX_LIMIT)],
  );
}

/** Base of a per-metric value map in a response (usage counters, snapshots): every metric, an integer ≥ 0. */
export function MetricValueFields(): new () => Record<MetricCode, number> {
  return metricFields((m) => ({ type: 'integer', minimum: 0, description: describeMetric(m) }));
}
