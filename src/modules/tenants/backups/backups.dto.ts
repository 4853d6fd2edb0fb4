import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../common/http';
import { JobDto } from '../../../common/jobs';

/** Body of POST /tenant/backups. */
export class CreateBackupDto {
  @ApiPropertyOptional({
    default: false,
    description: 'true: a full, restore-capable archive that also carries credentials as stored — password hashes (argon2id), API key digests and sealed webhook secrets — so re-created users, keys and endpoints work as before. Keep such a file like a password.',
  })
  @IsOptional() @IsBoolean() includeCredentials?: boolean;
}

/** The file of a written backup. */
export class BackupFileDto {
  @ApiProperty({ type: 'integer', example: 48213 }) bytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'SHA-256 (hex) of the file as downloaded' }) sha256: string;
}

/** A tenant backup with its job. */
export class BackupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'downloaded', 'expired'], description: 'The job’s status; then `downloaded` (sent once, deleted) or `expired` (deleted an hour after it was written)' })
  status: string;
  @ApiProperty() includesCredentials: boolean;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'integer' }, example: { settings: 1, users: 12, partners: 2, webhookEndpoints: 1, notificationRules: 5, subscriptions: 1 }, description: 'Records per section, once written' })
  counts: Record<string, number> | null;
  @ApiProperty({ type: BackupFileDto, nullable: true }) file: BackupFileDto | null;
  @ApiProperty({ type: JobDto }) job: JobDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'The file is deleted then unless downloaded before' }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) downloadedAt: string | null;
}

/** Multipart body of POST /tenant/restores (the file itself is the `file` part). */
export class CreateRestoreDto {
  @ApiPropertyOptional({ default: true, description: 'true (default): report what would change and change nothing' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;
}

/** Per-section counts of a restore report. */
export interface RestoreSectionReport {
  create: number;
  update: number;
  unchanged: number;
  skipped: number;
}

/** The archive a restore was given, as its manifest says. */
export class RestoreArchiveDto {
  @ApiProperty({ type: 'integer', example: 2 }) schemaVersion: number;
  @ApiProperty({ example: 'acme' }) tenantSlug: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() includesCredentials: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) counts: Record<string, number>;
  @ApiProperty({ type: 'integer' }) bytes: number;
  @ApiProperty() sha256: string;
}

/** A restore (dry run or real) with its job; `job.result` holds the report once it ran. */
export class RestoreDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }) status: string;
  @ApiProperty({ type: RestoreArchiveDto }) archive: RestoreArchiveDto;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { create: { type: 'integer' }, update: { type: 'integer' }, unchanged: { type: 'integer' }, skipped: { type: 'integer' } } },
    description: 'Per section: records created, updated, unchanged, skipped (in a dry run: what would be); per record: GET …/restores/{restoreId}/changes',
  })
  sections: Record<string, RestoreSectionReport> | null;
  @ApiProperty({ type: JobDto }) job: JobDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Filters of a restore's per-record changes. */
export class RestoreChangesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['ok', 'skipped', 'would_change', 'would_skip'] }) @IsOptional() @IsIn(['ok', 'skipped', 'would_change', 'would_skip']) outcome?: string;
}
