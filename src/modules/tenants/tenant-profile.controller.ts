import { Body, Controller, Get, Headers, Patch, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ImpersonationPolicy, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource } from '../../common/http';
import { TenantSelfDto, UpdateTenantSettingsDto } from './dto/tenant-self.dto';
import { TenantProfileService } from './tenant-profile.service';
import { TenantQueries } from './tenant-queries.service';

const ETAG_HEADER = { ETag: { description: 'Current version of the tenant, for If-Match', schema: { type: 'string', example: '"3"' } } };

/**
 * The signed-in user's own tenant. The tenant always comes from the token.
 * Impersonation: allowed — name, time zone, currency and locale are routine settings support
 * changes when a customer asks; none is a credential, a payment detail or a control over staff access.
 */
@ApiTags('tenant-profile')
@AuditResource('tenants', 'tenant')
@TenantAuth()
@ImpersonationPolicy('allowed')
@Controller('tenant')
export class TenantProfileController {
  constructor(
    private readonly queries: TenantQueries,
    private readonly profile: TenantProfileService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantProfile_get', 'Get your organisation’s profile, plan and billing state', ['tenant_suspended'])
  @ApiOkResponse({ type: TenantSelfDto, headers: ETAG_HEADER })
  async get(@Res({ passthrough: true }) res: Response): Promise<TenantSelfDto> {
    const { dto, etag } = await this.queries.self(this.context.actor.tenantId!);
    res.setHeader('ETag', etag);
    return dto;
  }

  @Patch('settings')
  @Audited('tenantProfile.updateSettings')
  @TenantAuth('admin')
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from GET /api/v1/tenant; stale → 412 precondition_failed' })
  @ApiOp('tenantSettings_update', 'Change your organisation’s name, time zone, currency or locale (admins)', ['validation_failed', 'tenant_suspended', 'precondition_failed'])
  @ApiOkResponse({ type: TenantSelfDto, headers: ETAG_HEADER })
  async updateSettings(
    @Body() dto: UpdateTenantSettingsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantSelfDto> {
    const tenantId = this.context.actor.tenantId!;
    await this.profile.updateSettings(tenantId, dto, ifMatch);
    const { dto: self, etag } = await this.queries.self(tenantId);
    res.setHeader('ETag', etag);
    return self;
  }
}
