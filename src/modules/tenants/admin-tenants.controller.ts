import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, Audited, AuditResource, Idempotent, UuidPipe } from '../../common/http';
import {
  ActivateTenantDto,
  AdminPasswordResetDto,
  CreateTenantDto,
  CreateTenantResultDto,
  SuspendTenantDto,
  TenantDeletionDto,
  TenantDetailDto,
  TenantDto,
  TenantListItemPageDto,
  TenantListQueryDto,
  UpdateTenantDto,
} from './dto/tenant.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantAdminResetService } from './tenant-admin-reset.service';
import { TenantLifecycleService } from './tenant-lifecycle.service';
import { etagOf, toTenantDto } from './tenant.mapper';
import { TenantProfileService } from './tenant-profile.service';
import { TenantProvisioningService } from './tenant-provisioning.service';
import { TenantQueries } from './tenant-queries.service';

const ETAG_HEADER = { ETag: { description: 'Current version of the tenant, for If-Match', schema: { type: 'string', example: '"3"' } } };
const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'ETag from a previous read; when it no longer matches the tenant → 412 precondition_failed and nothing changes',
});

/** Tenants for platform staff: provisioning, list, detail, profile, lifecycle and support actions. */
@ApiTags('tenants')
@AuditResource('tenants', 'tenant')
@PlatformAuth()
@Controller('admin/tenants')
export class AdminTenantsController {
  constructor(
    private readonly provisioning: TenantProvisioningService,
    private readonly queries: TenantQueries,
    private readonly profile: TenantProfileService,
    private readonly lifecycle: TenantLifecycleService,
    private readonly adminReset: TenantAdminResetService,
  ) {}

  @Post()
  @Audited('tenants.create')
  @PlatformAuth('owner', 'admin')
  @Idempotent()
  @ApiOp('adminTenants_create', 'Provision a tenant: profile, quota on its plan, usage counters and first admin, in one transaction', ['validation_failed', 'quota_exceeded', 'tenant_slug_taken', 'plan_unavailable'])
  @ApiCreatedResponse({ type: CreateTenantResultDto })
  create(@Body() dto: CreateTenantDto): Promise<CreateTenantResultDto> {
    return this.provisioning.create(dto);
  }

  @Get()
  @ApiOp('adminTenants_list', 'Search, filter, sort and page tenants with plan, billing state, trial and seat usage', ['validation_failed'])
  @ApiOkResponse({ type: TenantListItemPageDto })
  list(@Query() query: TenantListQueryDto) {
    return this.queries.list(query);
  }

  @Get(':tenantId')
  @ApiOp('adminTenants_get', 'Get a tenant: profile, quota, usage, admin contact, notes count and latest audit events', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: TenantDetailDto, headers: ETAG_HEADER })
  async get(@Param('tenantId', UuidPipe) tenantId: string, @Res({ passthrough: true }) res: Response): Promise<TenantDetailDto> {
    const { dto, etag } = await this.queries.detail(tenantId);
    res.setHeader('ETag', etag);
    return dto;
  }

  @Patch(':tenantId')
  @Audited('tenants.update')
  @PlatformAuth('owner', 'admin')
  @IF_MATCH
  @ApiOp('adminTenants_update', 'Change a tenant’s name, contacts, localization or tags (honours If-Match)', ['validation_failed', 'tenant_not_found', 'precondition_failed'])
  @ApiOkResponse({ type: TenantDto, headers: ETAG_HEADER })
  async update(
    @Param('tenantId', UuidPipe) tenantId: string,
    @Body() dto: UpdateTenantDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantDto> {
    return withEtag(res, await this.profile.update(tenantId, dto, ifMatch));
  }

  @Post(':tenantId/suspend')
  @Audited('tenants.suspend')
  @PlatformAuth('owner', 'admin')
  @HttpCode(200)
  @ApiOp('adminTenants_suspend', 'Suspend a tenant: its users become read-only admins or are refused (403 tenant_suspended)', ['validation_failed', 'tenant_not_found', 'tenant_already_suspended', 'tenant_deleted'])
  @ApiOkResponse({ type: TenantDto, headers: ETAG_HEADER })
  async suspend(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: SuspendTenantDto, @Res({ passthrough: true }) res: Response): Promise<TenantDto> {
    return withEtag(res, await this.lifecycle.suspend(tenantId, dto.reason));
  }

  @Post(':tenantId/activate')
  @Audited('tenants.activate')
  @PlatformAuth('owner', 'admin')
  @HttpCode(200)
  @ApiOp('adminTenants_activate', 'Lift a tenant’s suspension', ['validation_failed', 'tenant_not_found', 'tenant_not_suspended', 'tenant_deleted'])
  @ApiOkResponse({ type: TenantDto, headers: ETAG_HEADER })
  async activate(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ActivateTenantDto, @Res({ passthrough: true }) res: Response): Promise<TenantDto> {
    return withEtag(res, await this.lifecycle.activate(tenantId, dto.reason));
  }

  @Delete(':tenantId')
  @Audited('tenants.delete')
  @PlatformAuth('owner', 'admin')
  @HttpCode(202)
  @ApiOp('adminTenants_delete', 'Soft-delete a tenant: sign-in refused and tokens revoked at once; data purged after the grace period', ['validation_failed', 'tenant_not_found', 'tenant_already_deleted'])
  @ApiAcceptedResponse({ type: TenantDeletionDto })
  delete(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantDeletionDto> {
    return this.lifecycle.delete(tenantId);
  }

  @Post(':tenantId/restore')
  @Audited('tenants.restore')
  @PlatformAuth('owner', 'admin')
  @HttpCode(200)
  @ApiOp('adminTenants_restore', 'Restore a deleted tenant within its grace period', ['validation_failed', 'tenant_not_found', 'tenant_not_deleted', 'tenant_grace_period_over'])
  @ApiOkResponse({ type: TenantDto, headers: ETAG_HEADER })
  async restore(@Param('tenantId', UuidPipe) tenantId: string, @Res({ passthrough: true }) res: Response): Promise<TenantDto> {
    return withEtag(res, await this.lifecycle.restore(tenantId));
  }

  @Post(':tenantId/admin-password-reset')
  @Audited('tenants.adminPasswordReset')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminTenants_resetAdminPassword', 'Issue a one-hour, single-use password reset token for the tenant’s first active admin', ['validation_failed', 'tenant_not_found', 'tenant_deleted', 'no_active_admin'])
  @ApiCreatedResponse({ type: AdminPasswordResetDto })
  adminPasswordReset(@Param('tenantId', UuidPipe) tenantId: string): Promise<AdminPasswordResetDto> {
    return this.adminReset.issue(tenantId);
  }
}

/** Sets the tenant's ETag on the response and maps it to its DTO. */
function withEtag(res: Response, tenant: Tenant): TenantDto {
  res.setHeader('ETag', etagOf(tenant.version));
  return toTenantDto(tenant);
}
