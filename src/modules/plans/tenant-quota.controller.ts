import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, UuidPipe } from '../../common/http';
import { TenantAllowancesDto, TenantQuotaDto, UpdateTenantQuotaDto } from './dto/quota.dto';
import { TenantQuotaService } from './tenant-quota.service';

/** A tenant's quota, for platform staff. */
@ApiTags('quotas')
@AuditResource('plans', 'tenant_quota')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/quota')
export class AdminTenantQuotaController {
  constructor(private readonly quotas: TenantQuotaService) {}

  @Get()
  @ApiOp('adminTenantQuota_get', 'Get a tenant’s plan, limits, billing state and allowances', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: TenantQuotaDto })
  get(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantQuotaDto> {
    return this.quotas.get(tenantId);
  }

  @Patch()
  @Audited('tenantQuota.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminTenantQuota_update', 'Change a tenant’s plan, limit overrides or features (the billing state is the subscription’s: PUT …/subscription)', ['validation_failed', 'tenant_not_found', 'plan_unavailable'])
  @ApiOkResponse({ type: TenantQuotaDto })
  update(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: UpdateTenantQuotaDto): Promise<TenantQuotaDto> {
    return this.quotas.update(tenantId, dto);
  }
}

/** The signed-in tenant's allowances. */
@ApiTags('quotas')
@AuditResource('plans', 'tenant_quota')
@TenantAuth()
@Controller('tenant/quota')
export class TenantAllowancesController {
  constructor(
    private readonly quotas: TenantQuotaService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantQuota_get', 'Your organisation’s limits, usage and billing state', ['tenant_suspended'])
  @ApiOkResponse({ type: TenantAllowancesDto })
  get(): Promise<TenantAllowancesDto> {
    return this.quotas.forTenant(this.context.actor.tenantId!);
  }
}
