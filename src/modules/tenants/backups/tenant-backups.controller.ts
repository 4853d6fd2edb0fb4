import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ImpersonationPolicy, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto, UuidPipe } from '../../../common/http';
import { JobItemDto } from '../../../common/jobs';
import { AuditService } from '../../audit';
import { BackupDto, CreateBackupDto, CreateRestoreDto, RestoreChangesQueryDto, RestoreDto } from './backups.dto';
import { TenantBackupsService } from './tenant-backups.service';
import { MAX_ARCHIVE_BYTES, TenantRestoresService } from './tenant-restores.service';

const ARCHIVE_HELP =
  'One JSON document `{ data, manifest, signature }`: `data` holds one array per section (settings, users, partners, webhookEndpoints, notificationRules, subscriptions), `manifest` { format, schemaVersion, tenantId, tenantSlug, createdAt, createdBy, includesCredentials, counts }, `signature` an HMAC-SHA256 of this server over the canonical JSON of data and manifest (README: Tenant backups and restores).';

/**
 * A tenant admin's backups of the tenant's data: made by a job, downloaded once, then deleted
 * from the server (after the download, or an hour after it was written). Making and downloading one
 * is refused during impersonation: an archive carries the tenant's data (and, when asked, its
 * credentials) off the server; so is a restore, which rewrites users and integrations.
 */
@ApiTags('tenant-backups')
@AuditResource('tenants', 'tenant_backup')
@TenantAuth('admin')
@Controller('tenant/backups')
export class TenantBackupsController {
  constructor(
    private readonly backups: TenantBackupsService,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Post()
  @HttpCode(202)
  @Audited('tenantBackups.create')
  @ImpersonationPolicy('denied')
  @ApiOp('tenantBackups_create', 'Back up your organisation’s data (a job)', ['validation_failed', 'tenant_suspended', 'impersonation_forbidden'], `Always asynchronous: 202 with the backup and its job; follow it at GET /api/v1/tenant/backups/{backupId}, then download it once (the server deletes it after the download, or one hour after it was written). ${ARCHIVE_HELP} Without \`includeCredentials\` no password hash, API key digest or webhook secret is in it.`)
  @ApiAcceptedResponse({ type: BackupDto })
  async create(@Body() dto: CreateBackupDto, @Res({ passthrough: true }) res: Response): Promise<BackupDto> {
    const created = await this.backups.request(this.tenantId, dto);
    res.setHeader('Location', `/api/v1/tenant/backups/${created.id}`);
    return created;
  }

  @Get()
  @ApiOp('tenantBackups_list', 'Your backups, newest first', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: PageOf(BackupDto) })
  list(@Query() query: PageQueryDto) {
    return this.backups.list(this.tenantId, query);
  }

  @Get(':backupId')
  @ApiOp('tenantBackups_get', 'One of your backups with its job', ['validation_failed', 'tenant_suspended', 'backup_not_found'])
  @ApiOkResponse({ type: BackupDto })
  get(@Param('backupId', UuidPipe) backupId: string): Promise<BackupDto> {
    return this.backups.get(this.tenantId, backupId);
  }

  @Get(':backupId/download')
  @ImpersonationPolicy('denied')
  @ApiOp(
    'tenantBackups_download',
    'Download the archive — once: the server deletes it when it was sent',
    ['validation_failed', 'tenant_suspended', 'impersonation_forbidden', 'backup_not_found', 'backup_not_ready', 'backup_gone'],
    `application/json, as an attachment. A transfer that breaks off may be retried until the file expires; one sent in full is deleted, and a second download answers 410 \`backup_gone\`. Every download is on the audit trail. ${ARCHIVE_HELP}`,
  )
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The archive', content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } })
  async download(@Param('backupId', UuidPipe) backupId: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const tenantId = this.tenantId;
    const { backup, stream, filename } = await this.backups.openDownload(tenantId, backupId);
    await this.audit.record({
      channel: 'http',
      action: 'tenantBackups.download',
      module: 'tenants',
      resourceType: 'tenant_backup',
      resourceId: backup.id,
      tenantId,
      metadata: { bytes: Number(backup.byteSize), sha256: backup.sha256, includesCredentials: backup.includesCredentials },
    });
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    // 'finish': the last byte was handed to the connection — the archive is now the admin's, not the server's.
    res.once('finish', () => void this.backups.downloaded(tenantId, backupId).catch(() => undefined));
    res.once('close', () => {
      if (!res.writableFinished) void this.backups.releaseDownload(tenantId, backupId).catch(() => undefined);
    });
    return new StreamableFile(stream);
  }
}

/** A tenant admin's restores of its own backups: verified at upload, applied by a job in one transaction. */
@ApiTags('tenant-backups')
@AuditResource('tenants', 'tenant_restore')
@TenantAuth('admin')
@Controller('tenant/restores')
export class TenantRestoresController {
  constructor(
    private readonly restores: TenantRestoresService,
    private readonly context: RequestContext,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Post()
  @HttpCode(202)
  @Audited('tenantRestores.create')
  @ImpersonationPolicy('denied')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_ARCHIVE_BYTES, files: 1, fields: 5 } }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The archive a backup download gave (JSON, at most 20 MB), unchanged' },
        dryRun: { type: 'string', enum: ['true', 'false'], default: 'true', description: 'true (default): only report what would change' },
      },
    },
  })
  @ApiOp(
    'tenantRestores_create',
    'Restore a backup of your organisation (dry run first; a job)',
    ['validation_failed', 'payload_too_large', 'tenant_suspended', 'impersonation_forbidden', 'backup_invalid', 'backup_signature_invalid', 'backup_foreign_tenant', 'backup_schema_unsupported'],
    'Checked at once: the signature (a changed archive → 422 `backup_signature_invalid`), the tenant (another tenant’s archive → 422 `backup_foreign_tenant`) and the schema version (older ones are migrated, newer → 422). Then a job validates every record and, with `dryRun=false`, applies everything in one transaction or nothing: missing records are created again with their ids, differing ones updated; nothing created after the backup is deleted; subscriptions are never changed; seats still hold (`quota_exceeded` fails the job and changes nothing). 202 with the restore; the report is in `sections` and, per record, at GET …/restores/{restoreId}/changes.',
  )
  @ApiAcceptedResponse({ type: RestoreDto })
  async create(@UploadedFile() file: { buffer: Buffer; size: number } | undefined, @Body() dto: CreateRestoreDto, @Res({ passthrough: true }) res: Response): Promise<RestoreDto> {
    const created = await this.restores.request(this.tenantId, file, dto.dryRun !== false);
    res.setHeader('Location', `/api/v1/tenant/restores/${created.id}`);
    return created;
  }

  @Get()
  @ApiOp('tenantRestores_list', 'Your restores, newest first', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: PageOf(RestoreDto) })
  list(@Query() query: PageQueryDto) {
    return this.restores.list(this.tenantId, query);
  }

  @Get(':restoreId')
  @ApiOp('tenantRestores_get', 'One of your restores with its job and report', ['validation_failed', 'tenant_suspended', 'restore_not_found'])
  @ApiOkResponse({ type: RestoreDto })
  get(@Param('restoreId', UuidPipe) restoreId: string): Promise<RestoreDto> {
    return this.restores.get(this.tenantId, restoreId);
  }

  @Get(':restoreId/changes')
  @ApiOp('tenantRestores_changes', 'What a restore changed (or, in a dry run, would change), record by record', ['validation_failed', 'tenant_suspended', 'restore_not_found'], '`itemKey` is `<section>:<record id>`; `detail` holds `{ section, action: create | update | unchanged | skipped, changes }`.')
  @ApiOkResponse({ type: PageOf(JobItemDto) })
  changes(@Param('restoreId', UuidPipe) restoreId: string, @Query() query: RestoreChangesQueryDto) {
    return this.restores.changes(this.tenantId, restoreId, query);
  }
}
