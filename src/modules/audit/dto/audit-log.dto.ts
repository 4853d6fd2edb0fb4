import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CursorQueryDto, IsIsoDateTimeInRange } from '../../../common/http';
import { AUDIT_CHANNELS, AuditChannel } from '../entities/audit-log.entity';

const OUTCOMES = ['success', 'failure', 'denied'] as const;

/** One audit row as the API shows it. */
export class AuditLogDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ enum: AUDIT_CHANNELS, description: 'http: written by a request (its own row or one it recorded); job: by a job or event consumer' })
  channel: AuditChannel;
  @ApiProperty({ type: String, nullable: true, enum: ['platform', 'tenant', 'partner', 'service', 'system'], description: 'null: unauthenticated caller; service: a product-module service (actorClientId names its OAuth client)' })
  actorType: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) actorId: string | null;
  @ApiProperty({ type: String, nullable: true }) actorEmail: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'svc_Q2hhbmdlTWVQbGVhc2UxMjM0', description: 'The credential a machine actor used: a service’s OAuth client id' }) actorClientId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Staff id when the actor was impersonated' })
  impersonatorId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tenantId: string | null;
  @ApiProperty({ example: 'staff.create' }) action: string;
  @ApiProperty({ type: String, nullable: true, example: 'iam' }) module: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'staff' }) resourceType: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceId: string | null;
  @ApiProperty({ example: 'POST' }) method: string;
  @ApiProperty({ example: '/api/v1/admin/staff' }) path: string;
  @ApiProperty({ type: 'integer', example: 201 }) statusCode: number;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Request body (secrets redacted) and before/after' })
  changes: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) metadata: Record<string, unknown> | null;
}

/** Filters of the audit log (all optional, combined with AND). */
export class AuditLogQueryDto extends CursorQueryDto {
  @IsIsoDateTimeInRange({ optional: true, description: 'Inclusive lower bound of occurredAt' })
  from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'Exclusive upper bound of occurredAt' })
  to?: Date;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() tenantId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ description: 'Exact action, e.g. staff.create or tenants.suspend' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ description: 'Module that recorded the row, e.g. iam or tenants' }) @IsOptional() @IsString() @MaxLength(50) module?: string;
  @ApiPropertyOptional({ description: 'Kind of resource changed, e.g. staff or tenant' }) @IsOptional() @IsString() @MaxLength(50) resourceType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) resourceId?: string;
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string;
  @ApiPropertyOptional({ enum: AUDIT_CHANNELS }) @IsOptional() @IsIn(AUDIT_CHANNELS) channel?: AuditChannel;
}
