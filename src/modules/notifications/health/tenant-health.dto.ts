import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { HEALTH_SIGNALS } from './health-model';

/** One signal of a health score. */
export class HealthSignalDto {
  @ApiProperty({ enum: HEALTH_SIGNALS }) name: string;
  @ApiProperty({ type: 'number', nullable: true, description: 'The signal’s own health, 0 (worst) – 1 (best); null: it does not apply to this tenant (its weight is 0)' }) value: number | null;
  @ApiProperty({ type: 'number', description: 'Points of the score it carries (the applicable weights add up to 100)' }) weight: number;
  @ApiProperty({ type: 'number', description: 'Points it contributes (weight × value)' }) contribution: number;
  @ApiProperty({ type: 'number', description: 'Points it costs (weight − contribution)' }) loss: number;
  @ApiProperty({ example: '3 sign-ins in the last 30 days vs 30 in the 30 days before (−90 %); a decline lowers the signal, 0 sign-ins scores 0.' }) explanation: string;
}

/** A tenant's health and risk. */
export class TenantHealthDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 64 }) score: number;
  @ApiProperty({ enum: ['low', 'medium', 'high'], description: 'low: score ≥ 70; medium: 40–69; high: below 40' }) risk: string;
  @ApiProperty({ type: [HealthSignalDto] }) signals: HealthSignalDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The signal that costs the most points, with its explanation' }) topReason: string | null;
  @ApiProperty({ example: 'v1', description: 'Version of the health model (weights and thresholds; docs/adr/0027)' }) modelVersion: string;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
}

/** One day of a tenant's health history. */
export class TenantHealthPointDto {
  @ApiProperty({ example: '2026-12-03', format: 'date' }) day: string;
  @ApiProperty({ type: 'integer' }) score: number;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) risk: string;
  @ApiProperty({ type: String, nullable: true }) topReason: string | null;
  @ApiProperty() modelVersion: string;
}

/** A tenant's daily health snapshots, oldest first. */
export class TenantHealthHistoryDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: [TenantHealthPointDto] }) data: TenantHealthPointDto[];
}

/** `?days` of the history (default 90). */
export class TenantHealthHistoryQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 366, default: 90 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(366) days?: number;
}

/** One tenant in the summary. */
export class TenantRiskEntryDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: 'integer' }) score: number;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) risk: string;
  @ApiProperty({ type: String, nullable: true }) topReason: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Score a week earlier (snapshot of 7 days before); null: none' }) scoreWeekAgo: number | null;
}

/** Counts per risk level. */
export class RiskCountsDto {
  @ApiProperty({ type: 'integer' }) low: number;
  @ApiProperty({ type: 'integer' }) medium: number;
  @ApiProperty({ type: 'integer' }) high: number;
}

/** The platform's tenants by risk, from the latest daily snapshots. */
export class TenantHealthSummaryDto {
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'Day of the snapshots summarised; null: none taken yet' }) day: string | null;
  @ApiProperty({ type: RiskCountsDto }) counts: RiskCountsDto;
  @ApiProperty({ type: [TenantRiskEntryDto], description: 'The 20 riskiest tenants (lowest scores), with their top reason' }) riskiest: TenantRiskEntryDto[];
  @ApiProperty({ type: [TenantRiskEntryDto], description: 'Tenants whose score moved the most since the snapshot of 7 days before (up to 20, largest moves first)' }) movers: TenantRiskEntryDto[];
}
