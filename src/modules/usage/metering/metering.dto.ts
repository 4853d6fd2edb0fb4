import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsIsoDateTimeInRange } from '../../../common/http';
import { MAX_LIMIT, METRIC_CODES } from '../../plans';

/** Body of POST /service/quota/reservations. */
export class ReserveQuotaDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
  @ApiProperty({ enum: METRIC_CODES, example: 'projects', description: 'A level the module owns (projects, domains); seats are the control plane’s own' }) @IsIn(METRIC_CODES) metric: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, example: 1 }) @IsInt() @Min(1) @Max(MAX_LIMIT) amount: number;
  @ApiProperty({ example: 'create-project-7f3c', minLength: 1, maxLength: 200, description: 'Your key for this reservation: a retry with the same key answers the same and counts nothing again' })
  @IsString() @MinLength(1) @MaxLength(200)
  idempotencyKey: string;
  @ApiPropertyOptional({ example: 'project', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) resourceType?: string;
  @ApiPropertyOptional({ example: 'prj_123', maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) resourceId?: string;
}

/** Body of POST /service/quota/releases. */
export class ReleaseQuotaDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
  @ApiProperty({ enum: METRIC_CODES, example: 'projects' }) @IsIn(METRIC_CODES) metric: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, example: 1 }) @IsInt() @Min(1) @Max(MAX_LIMIT) amount: number;
  @ApiProperty({ example: 'delete-project-7f3c', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) idempotencyKey: string;
  @ApiPropertyOptional({ example: 'prj_123', maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) resourceId?: string;
}

/** A granted reservation (or a release) and the metric afterwards. */
export class QuotaReservationDto {
  @ApiProperty({ format: 'uuid' }) reservationId: string;
  @ApiProperty({ enum: METRIC_CODES }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: unlimited' }) limit: number | null;
  @ApiProperty({ type: 'integer' }) used: number;
  @ApiProperty({ type: 'integer', nullable: true }) remaining: number | null;
  @ApiProperty({ description: 'true: this answer replays an earlier call with the same idempotencyKey' }) replayed: boolean;
}

/** One usage event. */
export class UsageEventDto {
  @ApiProperty({ example: 'run_01HZX3Q8', minLength: 1, maxLength: 200, description: 'Your unique id of the event: resend a failed batch with the SAME ids, and duplicates are reported, never counted twice' })
  @IsString() @MinLength(1) @MaxLength(200)
  eventId: string;
  @ApiProperty({ description: 'The tenant (uuid); an unknown one is rejected per event' }) @IsString() @MaxLength(100) tenantId: string;
  @ApiProperty({ example: 'automationsPerMonth', description: 'A metered metric (a period total); another one is rejected per event' }) @IsString() @MaxLength(100) metric: string;
  @ApiProperty({ example: 1, description: 'A positive integer; otherwise rejected per event' }) @IsNumber({ allowNaN: false, allowInfinity: false }) amount: number;
  @ApiProperty({ example: '2026-12-03T10:00:00Z', description: 'When it happened (RFC 3339); more than 35 days ago or 5 minutes ahead is rejected per event' }) @IsString() @MaxLength(40) occurredAt: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Stored with the event' }) @IsOptional() @IsObject() properties?: Record<string, unknown>;
}

/** Body of POST /service/usage/events: 1–1,000 events. */
export class UsageEventBatchDto {
  @ApiProperty({ type: [UsageEventDto], minItems: 1, maxItems: 1000 })
  @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => UsageEventDto)
  events: UsageEventDto[];
}

/** The outcome of one event. */
export class UsageEventResultDto {
  @ApiProperty() eventId: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) status: 'accepted' | 'duplicate' | 'rejected';
  @ApiPropertyOptional({ enum: ['unknown_tenant', 'unknown_metric', 'metric_not_metered', 'invalid_amount', 'invalid_occurred_at', 'too_old', 'in_the_future'] }) reason?: string;
}

/** The outcome of a batch: counts and one result per event, in the order sent. */
export class UsageEventBatchResultDto {
  @ApiProperty({ type: 'integer' }) accepted: number;
  @ApiProperty({ type: 'integer' }) duplicates: number;
  @ApiProperty({ type: 'integer' }) rejected: number;
  @ApiProperty({ type: [UsageEventResultDto] }) results: UsageEventResultDto[];
}

/** Body of PUT /service/usage/gauges: the module's true count of a level it owns. */
export class UsageGaugeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
  @ApiProperty({ enum: METRIC_CODES, example: 'projects', description: 'A level the module owns (projects, domains)' }) @IsIn(METRIC_CODES) metric: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_LIMIT, example: 12 }) @IsInt() @Min(0) @Max(MAX_LIMIT) value: number;
  @IsIsoDateTimeInRange({ description: 'When the module counted it; an older observation than the stored one is ignored' })
  observedAt: Date;
}

/** The gauge as stored, beside the counter the control plane keeps. */
export class UsageGaugeResultDto {
  @ApiProperty({ enum: METRIC_CODES }) metric: string;
  @ApiProperty({ type: 'integer' }) value: number;
  @ApiProperty({ format: 'date-time' }) observedAt: string;
  @ApiProperty({ type: 'integer', description: 'The counter now; the nightly recount corrects it to the gauge (audited, usage.drift_corrected)' }) counter: number;
  @ApiProperty({ description: 'false: an observation newer than this one was already stored, and kept' }) stored: boolean;
}
