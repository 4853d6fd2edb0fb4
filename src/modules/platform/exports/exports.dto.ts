import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { EXPORT_STATUS_VALUES, EXPORT_TYPES } from '../../../common/exports';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { JobDto } from '../../../common/jobs';

/** Filters of an export; each type accepts some of them (another is a 400 naming it). */
export class ExportFiltersDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Rows of this tenant (staff exports only)' }) @IsOptional() @IsUUID('all') tenantId?: string;
  @IsIsoDateTimeInRange({ optional: true, description: 'Rows at or after this instant (UTC): occurredAt of audit rows, createdAt of the others; not for usage' }) from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'Rows before this instant (exclusive)' }) to?: Date;
  @ApiPropertyOptional({ enum: EXPORT_STATUS_VALUES, example: 'paid', description: 'The status of tenants (active, suspended, deleted), subscriptions (trial, active, past_due, suspended, cancelled), invoices (draft, open, paid, void, uncollectible) or payments (pending, succeeded, failed, refunded, partially_refunded)' })
  @IsOptional() @IsIn(EXPORT_STATUS_VALUES)
  status?: (typeof EXPORT_STATUS_VALUES)[number];
}

/** `{ type, filters, format }` of a staff export. */
export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_TYPES, example: 'audit_logs' }) @IsIn(EXPORT_TYPES) type: (typeof EXPORT_TYPES)[number];
  @ApiPropertyOptional({ type: ExportFiltersDto }) @IsOptional() @ValidateNested() @Type(() => ExportFiltersDto) filters?: ExportFiltersDto;
  @ApiPropertyOptional({ enum: ['csv'], default: 'csv' }) @IsOptional() @IsIn(['csv']) format?: 'csv';
}

/** `{ type, filters }` of a tenant admin's export of its own audit log. */
export class CreateTenantExportDto {
  @ApiProperty({ enum: ['audit_logs'], example: 'audit_logs' }) @IsIn(['audit_logs']) type: 'audit_logs';
  @ApiPropertyOptional({ type: ExportFiltersDto, description: '`from` and `to`; the tenant is always yours' }) @IsOptional() @ValidateNested() @Type(() => ExportFiltersDto) filters?: ExportFiltersDto;
  @ApiPropertyOptional({ enum: ['csv'], default: 'csv' }) @IsOptional() @IsIn(['csv']) format?: 'csv';
}

/** Filters of the export list. */
export class ExportListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_TYPES }) @IsOptional() @IsIn(EXPORT_TYPES) type?: (typeof EXPORT_TYPES)[number];
}

/** The written file of an export. */
export class ExportFileDto {
  @ApiProperty({ type: 'integer', example: 1042, description: 'Data rows (the header line not counted)' }) rows: number;
  @ApiProperty({ type: 'integer', example: 183211, description: 'Bytes of the CSV file' }) bytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'SHA-256 of the file, hex' }) sha256: string;
}

/** An export: what was asked, its job, and its file once written. */
export class ExportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EXPORT_TYPES }) type: string;
  @ApiProperty({ enum: ['csv'] }) format: string;
  @ApiProperty({ type: ExportFiltersDto }) filters: Record<string, unknown>;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired'], description: 'Its job’s status; `expired` once the file is purged (7 days after it was written)' }) status: string;
  @ApiProperty({ type: JobDto, description: 'The job that writes the file (progress in rows)' }) job: JobDto;
  @ApiProperty({ type: ExportFileDto, nullable: true }) file: ExportFileDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The tenant whose admin asked for it; null for a staff export' }) tenantId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the file is purged' }) expiresAt: string | null;
}

/** A signed download link. */
export class ExportLinkDto {
  @ApiProperty({ example: '/api/v1/exports/5d1c…/file?expires=1796400000&by=…&signature=…', description: 'GET it (no token needed: the link is the credential) before it expires; ask again for a new one' }) url: string;
  @ApiProperty({ format: 'date-time', description: '10 minutes from now' }) expiresAt: string;
}

/** `?expires&by&signature` of a download link. */
export class ExportFileQueryDto {
  @ApiProperty({ example: '1796400000', description: 'Unix seconds' }) @IsString() @Matches(/^\d{1,12}$/, { message: 'expires must be Unix seconds' }) expires: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') by: string;
  @ApiProperty({ example: 'q3x…' }) @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'signature must be base64url' }) signature: string;
}
