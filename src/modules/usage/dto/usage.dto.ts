import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDayInRange } from '../../../common/http';
import { MetricValueFields } from '../../plans';

/**
 * Live counters of a tenant: one property per registry metric (a level as it is now, a monthly
 * total for the current calendar month in UTC), plus the last recount.
 */
export class UsageDto extends MetricValueFields() {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Last recount from the owners’ sources of truth' })
  lastCalculatedAt: string | null;
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
