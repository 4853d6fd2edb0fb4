import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, Max, ValidateNested } from 'class-validator';
import { STAFF_ROLES } from '../../../common/auth';
import { PageQueryDto } from '../../../common/http';
import { ALERT_SEVERITIES, ALERT_STATUSES, ALERT_TYPES, AlertSeverity, AlertStatus, AlertType } from './alert.entity';

/** Which tenants a rule covers. */
export class AlertScopeDto {
  @ApiProperty({ enum: ['all', 'plan', 'tag'], default: 'all' }) @IsIn(['all', 'plan', 'tag']) kind: 'all' | 'plan' | 'tag';
  @ApiPropertyOptional({ example: 'growth', description: 'The plan code (kind plan) or the tag (kind tag)' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) value?: string;
}

/** An alert rule as staff write it (PUT replaces every field). */
export class AlertRuleInputDto {
  @ApiProperty({ example: 'Trials ending this week' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: ALERT_TYPES }) @IsIn(ALERT_TYPES) type: AlertType;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 365,
    description: 'trial_expiring: days before the trial end; tenant_inactive: days without a sign-in; usage_over_limit: percent of the limit (e.g. 90); error_rate_spike: percent of API responses that are 5xx; tenant_at_risk: health score (0–100) below which a tenant is at risk. Not used by payment_failed and webhook_failing.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  threshold?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 120, default: 5, description: 'error_rate_spike only: the window the 5xx share is measured over, minutes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  windowMinutes?: number | null;
  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, default: 'warning' }) @IsOptional() @IsIn(ALERT_SEVERITIES) severity?: AlertSeverity;
  @ApiPropertyOptional({ type: AlertScopeDto, description: 'Default: all tenants' }) @IsOptional() @ValidateNested() @Type(() => AlertScopeDto) scope?: AlertScopeDto;
  @ApiPropertyOptional({ type: [String], enum: STAFF_ROLES, default: ['owner', 'admin'], description: 'Staff roles notified of its alerts' })
  @IsOptional()
  @IsIn(STAFF_ROLES, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  recipientRoles?: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() isActive?: boolean;
}

/** A stored rule. */
export class AlertRuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ALERT_TYPES }) type: string;
  @ApiProperty({ type: 'integer', nullable: true }) threshold: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'error_rate_spike: minutes' }) windowMinutes: number | null;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity: string;
  @ApiProperty({ type: AlertScopeDto }) scope: AlertScopeDto;
  @ApiProperty({ type: [String] }) recipientRoles: string[];
  @ApiProperty() isActive: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Path of rule routes. */
export class AlertRuleParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') ruleId: string;
}

/** Path of alert routes. */
export class AlertParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') alertId: string;
}

/** Filters and paging of GET /admin/alerts. */
export class AlertListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATUSES }) @IsOptional() @IsIn(ALERT_STATUSES) status?: AlertStatus;
  @ApiPropertyOptional({ enum: ALERT_TYPES }) @IsOptional() @IsIn(ALERT_TYPES) type?: AlertType;
  @ApiPropertyOptional({ enum: ALERT_SEVERITIES }) @IsOptional() @IsIn(ALERT_SEVERITIES) severity?: AlertSeverity;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') tenantId?: string;
}

/** `{ note? }` of an acknowledgement. */
export class AcknowledgeAlertDto {
  @ApiPropertyOptional({ example: 'Called the customer; card update expected Friday', maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

/** One alert. */
export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: a platform-wide alert (error_rate_spike)' }) tenantId: string | null;
  @ApiProperty({ enum: ALERT_TYPES }) type: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity: string;
  @ApiProperty({ enum: ALERT_STATUSES }) status: string;
  @ApiProperty() title: string;
  @ApiProperty() detail: string;
  @ApiProperty({ type: 'integer', description: 'Times the condition fired while this alert was not resolved' }) count: number;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) acknowledgedBy: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) acknowledgeNote: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) resolvedAt: string | null;
}
