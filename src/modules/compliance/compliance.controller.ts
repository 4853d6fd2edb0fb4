import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformAuth, Public } from '../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, SkipAudit, UuidPipe } from '../../common/http';
import { ComplianceRequests } from './compliance-requests.service';
import {
  ApproveComplianceRequestDto,
  ComplianceArchiveLinkDto,
  ComplianceArchiveQueryDto,
  ComplianceRequestDto,
  ComplianceRequestListQueryDto,
  GdprRequestDto,
  RejectComplianceRequestDto,
} from './dto/compliance.dto';

const SUBJECT = 'Without `email`: the whole tenant (its profile, users, roles, partners, billing, usage, notifications and audit rows); with `email`: that person of the tenant (a user, or its contact or billing address).';

/** GDPR requests about a tenant, by owners and admins: an export runs at once, an erasure waits for a second approver. */
@ApiTags('compliance')
@AuditResource('compliance', 'compliance_request')
@PlatformAuth('owner', 'admin')
@Controller('admin/tenants/:tenantId/gdpr')
export class AdminTenantGdprController {
  constructor(private readonly requests: ComplianceRequests) {}

  @Post('export')
  @HttpCode(202)
  @Audited('compliance.requestExport')
  @ApiOp('adminTenantGdpr_export', 'Export everything held about a tenant or a person of it as a JSON archive (GDPR Art. 15/20; a job)', ['validation_failed', 'tenant_not_found', 'compliance_subject_not_found'],
    `${SUBJECT} Needs no approval: 202 with the request (status approved) and its job; once completed, GET …/compliance/requests/{requestId}/download gives a signed link. No password or key hash, no secret is exported. The archive is kept 7 days.`)
  @ApiAcceptedResponse({ type: ComplianceRequestDto })
  async export(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: GdprRequestDto, @Res({ passthrough: true }) res: Response): Promise<ComplianceRequestDto> {
    const created = await this.requests.request('export', tenantId, dto);
    res.setHeader('Location', `/api/v1/admin/compliance/requests/${created.id}`);
    return created;
  }

  @Post('delete')
  @HttpCode(202)
  @Audited('compliance.requestErasure')
  @ApiOp('adminTenantGdpr_delete', 'Ask to erase the personal data of a tenant or a person of it (GDPR Art. 17; needs a second approver)', ['validation_failed', 'tenant_not_found', 'compliance_subject_not_found'],
    `${SUBJECT} 202 with the request, pending_approval: nothing is erased until another owner or admin approves it (POST …/compliance/requests/{requestId}/approve) within 48 hours; after that it expires. Invoices and audit rows are kept with their personal fields pseudonymised; a tenant-wide erasure also deletes the tenant (docs/compliance.md).`)
  @ApiAcceptedResponse({ type: ComplianceRequestDto })
  async delete(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: GdprRequestDto, @Res({ passthrough: true }) res: Response): Promise<ComplianceRequestDto> {
    const created = await this.requests.request('delete', tenantId, dto);
    res.setHeader('Location', `/api/v1/admin/compliance/requests/${created.id}`);
    return created;
  }
}

/** The compliance requests: list, detail, approval (two-person rule), rejection, archive links. */
@ApiTags('compliance')
@AuditResource('compliance', 'compliance_request')
@PlatformAuth('owner', 'admin')
@Controller('admin/compliance/requests')
export class AdminComplianceController {
  constructor(private readonly requests: ComplianceRequests) {}

  @Get()
  @ApiOp('adminCompliance_list', 'Compliance requests, newest first', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(ComplianceRequestDto) })
  list(@Query() query: ComplianceRequestListQueryDto) {
    return this.requests.list(query);
  }

  @Get(':requestId')
  @ApiOp('adminCompliance_get', 'A compliance request with its approval, job and result', ['validation_failed', 'compliance_request_not_found'])
  @ApiOkResponse({ type: ComplianceRequestDto })
  get(@Param('requestId', UuidPipe) requestId: string): Promise<ComplianceRequestDto> {
    return this.requests.get(requestId);
  }

  @Post(':requestId/approve')
  @HttpCode(200)
  @Audited('compliance.approve')
  @ApiOp('adminCompliance_approve', 'Approve a pending erasure (another owner or admin than its requester); its job starts', ['validation_failed', 'compliance_request_not_found', 'approval_by_requester', 'compliance_request_not_pending', 'compliance_request_expired'],
    'One approval is enough. The requester cannot approve their own request (403 `approval_by_requester`); support staff cannot approve (403). A request older than 48 hours has expired (409 `compliance_request_expired`) and nothing is erased. Follow the job at GET /api/v1/admin/jobs/{jobId}.')
  @ApiOkResponse({ type: ComplianceRequestDto })
  approve(@Param('requestId', UuidPipe) requestId: string, @Body() dto: ApproveComplianceRequestDto): Promise<ComplianceRequestDto> {
    return this.requests.approve(requestId, dto.note);
  }

  @Post(':requestId/reject')
  @HttpCode(200)
  @Audited('compliance.reject')
  @ApiOp('adminCompliance_reject', 'Reject a pending erasure (nothing is erased)', ['validation_failed', 'compliance_request_not_found', 'compliance_request_not_pending'], 'Any owner or admin, the requester included (to withdraw it); `note` says why.')
  @ApiOkResponse({ type: ComplianceRequestDto })
  reject(@Param('requestId', UuidPipe) requestId: string, @Body() dto: RejectComplianceRequestDto): Promise<ComplianceRequestDto> {
    return this.requests.reject(requestId, dto.note);
  }

  @Get(':requestId/download')
  @ApiOp('adminCompliance_download', 'A signed link to an export’s JSON archive (expires after 10 minutes)', ['validation_failed', 'compliance_request_not_found', 'compliance_archive_not_ready', 'compliance_archive_expired'],
    'Answers a fresh link; GET it to download the archive. The link and every download are on the audit trail.')
  @ApiOkResponse({ type: ComplianceArchiveLinkDto })
  download(@Param('requestId', UuidPipe) requestId: string): Promise<ComplianceArchiveLinkDto> {
    return this.requests.link(requestId);
  }
}

/** The archive behind a signed link (no token: the link is the credential). */
@ApiTags('compliance')
@Public()
@Controller('compliance/archives')
export class ComplianceArchivesController {
  constructor(private readonly requests: ComplianceRequests) {}

  @Get(':requestId')
  @SkipAudit('the download writes its own audit row, naming who asked for the link')
  @ApiOp('complianceArchives_get', 'Download a GDPR archive through its signed link', ['validation_failed', 'compliance_link_invalid', 'compliance_archive_expired'],
    'The `url` of GET …/compliance/requests/{requestId}/download, as given. One JSON document: `format`, `generatedAt`, `request`, `sections` (`<context>.<table>`: rows) and a closing `manifest` with the row count of each section.')
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The archive', content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } })
  async file(@Param('requestId', UuidPipe) requestId: string, @Query() q: ComplianceArchiveQueryDto, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { stream, filename } = await this.requests.open(requestId, Number(q.expires), q.by, q.signature);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(stream);
  }
}
