import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DenyDuringImpersonation, Public, PlatformAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, PageOf, SkipAudit, UuidPipe } from '../../../common/http';
import { AuditService } from '../../audit';
import { CreateExportDto, CreateTenantExportDto, ExportDto, ExportFileQueryDto, ExportLinkDto, ExportListQueryDto } from './exports.dto';
import { ExportsService } from './exports.service';

const DOWNLOAD_HELP = 'Answers a fresh link (valid 10 minutes; asking again makes a new one); GET the link to download the CSV. The link and every download are on the audit trail.';

/** Staff exports (owner and admin): CSV of tenants, subscriptions, invoices, payments, usage or audit logs. */
@ApiTags('exports')
@AuditResource('platform', 'export')
@PlatformAuth('owner', 'admin')
@Controller('admin/exports')
export class AdminExportsController {
  constructor(private readonly exportsService: ExportsService) {}

  @Post()
  @HttpCode(202)
  @Audited('export.create')
  @ApiOp('adminExports_create', 'Export rows as CSV (a job)', ['validation_failed'], 'Always asynchronous: 202 with the export and its job; follow `job.progress` (rows) at GET /api/v1/admin/exports/{exportId}. Filters: `tenantId` (all types), `from`/`to` (occurredAt of audit rows, createdAt of the others; not usage), `status` (tenants, subscriptions, invoices, payments). The file is kept 7 days.')
  @ApiAcceptedResponse({ type: ExportDto })
  async create(@Body() dto: CreateExportDto, @Res({ passthrough: true }) res: Response): Promise<ExportDto> {
    const created = await this.exportsService.request({ kind: 'platform' }, dto.type, dto.filters);
    res.setHeader('Location', `/api/v1/admin/exports/${created.id}`);
    return created;
  }

  @Get()
  @ApiOp('adminExports_list', 'Exports, newest first (staff’s and tenants’)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(ExportDto) })
  list(@Query() query: ExportListQueryDto) {
    return this.exportsService.list({ kind: 'platform' }, query);
  }

  @Get(':exportId')
  @ApiOp('adminExports_get', 'An export with its job and file', ['validation_failed', 'export_not_found'])
  @ApiOkResponse({ type: ExportDto })
  get(@Param('exportId', UuidPipe) exportId: string): Promise<ExportDto> {
    return this.exportsService.get({ kind: 'platform' }, exportId);
  }

  @Get(':exportId/download')
  @Audited('export.link')
  @ApiOp('adminExports_download', 'A signed download link to the file (expires after 10 minutes)', ['validation_failed', 'export_not_found', 'export_not_ready', 'export_expired'], DOWNLOAD_HELP)
  @ApiOkResponse({ type: ExportLinkDto })
  download(@Param('exportId', UuidPipe) exportId: string): Promise<ExportLinkDto> {
    return this.exportsService.link({ kind: 'platform' }, exportId);
  }
}

/** A tenant admin's exports of its own audit log. */
@ApiTags('exports')
@AuditResource('platform', 'export')
@TenantAuth('admin')
@Controller('tenant/exports')
export class TenantExportsController {
  constructor(
    private readonly exportsService: ExportsService,
    private readonly context: RequestContext,
  ) {}

  private get scope() {
    return { kind: 'tenant' as const, tenantId: this.context.actor.tenantId! };
  }

  @Post()
  @HttpCode(202)
  @Audited('tenantExport.create')
  // An impersonating staff member has the staff export routes; the tenant's own export of its
  // audit trail stays with its admins.
  @DenyDuringImpersonation()
  @ApiOp('tenantExports_create', 'Export your audit log as CSV (a job)', ['validation_failed', 'tenant_suspended'], 'Always asynchronous: 202 with the export and its job; `from`/`to` narrow it. The file is kept 7 days.')
  @ApiAcceptedResponse({ type: ExportDto })
  async create(@Body() dto: CreateTenantExportDto, @Res({ passthrough: true }) res: Response): Promise<ExportDto> {
    const created = await this.exportsService.request(this.scope, dto.type, dto.filters);
    res.setHeader('Location', `/api/v1/tenant/exports/${created.id}`);
    return created;
  }

  @Get()
  @ApiOp('tenantExports_list', 'Your exports, newest first', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: PageOf(ExportDto) })
  list(@Query() query: ExportListQueryDto) {
    return this.exportsService.list(this.scope, query);
  }

  @Get(':exportId')
  @ApiOp('tenantExports_get', 'One of your exports', ['validation_failed', 'export_not_found', 'tenant_suspended'])
  @ApiOkResponse({ type: ExportDto })
  get(@Param('exportId', UuidPipe) exportId: string): Promise<ExportDto> {
    return this.exportsService.get(this.scope, exportId);
  }

  @Get(':exportId/download')
  @Audited('tenantExport.link')
  @ApiOp('tenantExports_download', 'A signed download link to the file (expires after 10 minutes)', ['validation_failed', 'export_not_found', 'export_not_ready', 'export_expired', 'tenant_suspended'], DOWNLOAD_HELP)
  @ApiOkResponse({ type: ExportLinkDto })
  download(@Param('exportId', UuidPipe) exportId: string): Promise<ExportLinkDto> {
    return this.exportsService.link(this.scope, exportId);
  }
}

/** The file behind a signed link (no token: the link is the credential). */
@ApiTags('exports')
@Public()
@Controller('exports')
export class ExportFilesController {
  constructor(
    private readonly exportsService: ExportsService,
    private readonly audit: AuditService,
  ) {}

  @Get(':exportId/file')
  @SkipAudit('the download writes its own audit row, naming who asked for the link')
  @ApiOp('exports_file', 'Download an export file through its signed link', ['validation_failed', 'export_link_invalid', 'export_expired'], 'The `url` of GET …/exports/{exportId}/download, as given. text/csv, UTF-8, a header line; spreadsheet formulas are escaped (a leading = + - @ gets a quote).')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The CSV file', content: { 'text/csv': { schema: { type: 'string' } } } })
  async file(@Param('exportId', UuidPipe) exportId: string, @Query() q: ExportFileQueryDto, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { row, stream, filename } = await this.exportsService.open(exportId, Number(q.expires), q.by, q.signature);
    await this.audit.record({
      channel: 'http',
      action: 'export.download',
      module: 'platform',
      resourceType: 'export',
      resourceId: row.id,
      tenantId: row.tenantId ?? row.filters.tenantId ?? null,
      metadata: { linkIssuedTo: q.by, type: row.type, rows: row.rowCount, sha256: row.sha256 },
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(stream);
  }
}
