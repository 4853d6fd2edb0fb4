import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsIsoDateTimeInRange, IsIsoDayInRange } from '../../../common/http';
import { METRIC_CODES, MetricCode, MetricValueFields } from '../../plans';

/** The period a monthly metric counts in now (calendar month in UTC for every tenant, docs/adr/0025). */
export class UsagePeriodDto {
  @ApiProperty({ example: '2026-12-01', format: 'date', description: 'First UTC day of the period' }) start: string;
  @ApiProperty({ example: '2027-01-01', format: 'date', description: 'First UTC day after the period' }) end: string;
  @ApiProperty({ enum: ['calendar_month_utc'], description: 'How the period is cut' }) basis: 'calendar_month_utc';
}

/**
 * Live counters of a tenant: one property per registry metric (a level as it is now, a monthly
 * total for the current calendar month in UTC), plus the last recount.
 */
export class UsageDto extends MetricValueFields() {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Last recount from the owners’ sources of truth' })
  lastCalculatedAt: string | null;
  @ApiProperty({ type: UsagePeriodDto, description: 'The period the monthly metrics count in now; it resets at `end` and the old period’s counter is kept (history)' })
  currentPeriod: UsagePeriodDto;
}

/** One daily snapshot: one property per registry metric (a monthly total: that day's month so far). */
export class UsageHistoryPointDto extends MetricValueFields() {
  @ApiProperty({ example: '2026-11-29', description: 'UTC day' }) day: string;
}

/** The UTC day range a history answer covers (inclusive). */
export class UsageHistoryRangeDto {
  @ApiProperty({ example: '2026-11-01' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) to: string;
}

/** Daily usage snapshots, oldest first. */
export class UsageHistoryDto {
  @ApiProperty({ type: [UsageHistoryPointDto] }) data: UsageHistoryPointDto[];
  @ApiProperty({ type: UsageHistoryRangeDto }) meta: UsageHistoryRangeDto;
}

/** `?from&to` as UTC days (inclusive); default the last 30 days; at most 366 days. */
export class UsageHistoryQueryDto {
  @IsIsoDayInRange({ optional: true, description: 'First UTC day, inclusive' })
  from?: string;
  @IsIsoDayInRange({ optional: true, description: 'Last UTC day, inclusive' })
  to?: string;
}

/** A queued recalculation. */
export class RecalculationJobDto {
  @ApiProperty({ description: 'Bull job id; the job recounts and corrects drift' }) jobId: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
}

/** Bucket sizes of a usage series (UTC buckets). */
export const USAGE_GRANULARITIES = ['day', 'hour'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

/**
 * `?metric&from&to&granularity` of a usage series. `from` is rounded down and `to` up to whole
 * buckets (UTC); default: the last 30 days by day, the last 24 hours by hour. At most 366 daily or
 * 744 hourly buckets.
 */
export class UsageSeriesQueryDto {
  @ApiProperty({ enum: METRIC_CODES, description: 'The registry metric to chart' })
  @IsIn(METRIC_CODES)
  metric: MetricCode;

  @IsIsoDateTimeInRange({ optional: true, description: 'Start of the range, inclusive (rounded down to the bucket)' })
  from?: Date;

  @IsIsoDateTimeInRange({ optional: true, description: 'End of the range, exclusive (rounded up to the bucket); default now' })
  to?: Date;

  @ApiPropertyOptional({ enum: USAGE_GRANULARITIES, default: 'day', description: 'Bucket size. `hour` is for metered metrics (usage events); levels are snapshotted once a day' })
  @IsOptional()
  @IsIn(USAGE_GRANULARITIES)
  granularity?: UsageGranularity;
}

/** One bucket of a usage series. */
export class UsageSeriesPointDto {
  @ApiProperty({ format: 'date-time', description: 'Bucket start (UTC), inclusive' }) start: string;
  @ApiProperty({ format: 'date-time', description: 'Bucket end (UTC), exclusive' }) end: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'A metered metric: the sum of the usage events that occurred in the bucket (0 when none). A level: its value in that day’s snapshot; null when no snapshot was taken that day.',
  })
  value: number | null;
}

/** A usage series of one metric, oldest bucket first. */
export class UsageSeriesDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ enum: METRIC_CODES }) metric: string;
  @ApiProperty({ enum: ['count', 'period_total'], description: '`period_total`: buckets are sums of usage events; `count`: a level from the daily snapshots' }) kind: string;
  @ApiProperty({ enum: USAGE_GRANULARITIES }) granularity: string;
  @ApiProperty({ format: 'date-time', description: 'First bucket start (UTC)' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'Last bucket end (UTC, exclusive)' }) to: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'A metered metric: the sum over the range; a level: null' }) total: number | null;
  @ApiProperty({ type: [UsageSeriesPointDto] }) data: UsageSeriesPointDto[];
}
