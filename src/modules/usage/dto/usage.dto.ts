import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDayInRange } from '../../../common/http';

/** Live counters of a tenant. */
export class UsageDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: 'integer', description: 'Active tenant users' }) members: number;
  @ApiProperty({ type: 'integer', description: 'Active tenant users with role admin' }) orgAdmins: number;
  @ApiProperty({ type: 'integer' }) projects: number;
  @ApiProperty({ type: 'integer' }) domains: number;
  @ApiProperty({ type: 'integer', description: 'Automation runs in the current calendar month (UTC)' }) automationsPerMonth: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Last recount from the source tables' })
  lastCalculatedAt: string | null;
}

/** One daily snapshot. */
export class UsageHistoryPointDto {
  @ApiProperty({ example: '2026-11-29', description: 'UTC day' }) day: string;
  @ApiProperty({ type: 'integer' }) members: number;
  @ApiProperty({ type: 'integer' }) orgAdmins: number;
  @ApiProperty({ type: 'integer' }) projects: number;
  @ApiProperty({ type: 'integer' }) domains: number;
  @ApiProperty({ type: 'integer' }) automationsPerMonth: number;
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
