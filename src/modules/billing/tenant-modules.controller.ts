import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DenyDuringImpersonation, ENTITLEMENT_REASONS, ImpersonationPolicy, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto } from '../../common/http';
import { EntitlementDto, MarketplaceModuleDto, ModuleCodeParams, ModuleSubscriptionResultDto, SubscribeModuleDto } from './dto/module-subscription.dto';
import { ModuleSubscriptionsService } from './module-subscriptions.service';
import { SubscriptionDto } from './dto/subscription.dto';

/** A module's switch state after activate/deactivate. */
class ModuleSwitchDto {
  @ApiProperty({ example: 'crm' }) module: string;
  @ApiProperty({ description: 'The tenant’s own switch' }) activated: boolean;
  @ApiProperty({ description: 'Whether the module is enabled now' }) isEntitled: boolean;
  @ApiProperty({ enum: ENTITLEMENT_REASONS, enumName: 'EntitlementReason' }) reason: string;
}

/** The signed-in tenant's module marketplace: browse, subscribe, switch on and off (admins; managers read). */
@ApiTags('tenant-modules')
@AuditResource('billing', 'module_subscription')
@TenantAuth('admin')
@Controller('tenant/modules')
export class TenantModulesController {
  constructor(
    private readonly modules: ModuleSubscriptionsService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @TenantAuth('admin', 'manager')
  @ApiOp('tenantModules_list', 'Browse the modules, by code: prices per interval, pricing model, trial availability, this tenant’s state and switch', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(MarketplaceModuleDto) })
  list(@Query() query: PageQueryDto) {
    return this.modules.marketplace(this.context.actor.tenantId!, query);
  }

  @Post(':moduleCode/subscribe')
  @HttpCode(200)
  @Audited('tenantModules.subscribe')
  @DenyDuringImpersonation()
  @ApiOp('tenantModules_subscribe', 'Subscribe to a module, with its free trial (one per module) or paid from now (preview: true changes nothing)', [
    'validation_failed',
    'module_not_found',
    'module_unavailable',
    'module_already_subscribed',
    'module_included_in_plan',
    'trial_already_used',
    'trial_not_available',
    'coupon_not_found',
    'coupon_inactive',
    'coupon_expired',
    'coupon_redemption_limit_reached',
    'coupon_not_applicable',
    'coupon_currency_mismatch',
  ])
  @ApiOkResponse({ type: ModuleSubscriptionResultDto })
  subscribe(@Param() params: ModuleCodeParams, @Body() dto: SubscribeModuleDto): Promise<ModuleSubscriptionResultDto> {
    if (dto.preview) this.context.noteAudit({ action: 'tenantModules.subscribe.preview' });
    return this.modules.subscribe(this.context.actor.tenantId!, params.moduleCode, dto);
  }

  @Post(':moduleCode/cancel')
  @HttpCode(200)
  @Audited('tenantModules.cancel')
  @DenyDuringImpersonation()
  @ApiOp('tenantModules_cancel', 'Cancel the module subscription at the end of its period (a trial at its end); it stays enabled until then; resume undoes it', [
    'validation_failed',
    'module_not_found',
    'module_not_subscribed',
  ])
  @ApiOkResponse({ type: SubscriptionDto })
  cancel(@Param() params: ModuleCodeParams): Promise<SubscriptionDto> {
    return this.modules.setCancelAtPeriodEnd(this.context.actor.tenantId!, params.moduleCode, true);
  }

  @Post(':moduleCode/resume')
  @HttpCode(200)
  @Audited('tenantModules.resume')
  @DenyDuringImpersonation()
  @ApiOp('tenantModules_resume', 'Take back a cancellation at period end: the module subscription renews as before', ['validation_failed', 'module_not_found', 'module_not_subscribed'])
  @ApiOkResponse({ type: SubscriptionDto })
  resume(@Param() params: ModuleCodeParams): Promise<SubscriptionDto> {
    return this.modules.setCancelAtPeriodEnd(this.context.actor.tenantId!, params.moduleCode, false);
  }

  @Post(':moduleCode/activate')
  @HttpCode(200)
  @Audited('tenantModules.activate')
  @ImpersonationPolicy('allowed')
  @ApiOp('tenantModules_activate', 'Switch a module on again (the tenant’s own switch; billing unchanged)', ['validation_failed', 'module_not_found'])
  @ApiOkResponse({ type: ModuleSwitchDto })
  activate(@Param() params: ModuleCodeParams): Promise<ModuleSwitchDto> {
    return this.modules.setActivated(this.context.actor.tenantId!, params.moduleCode, true);
  }

  @Post(':moduleCode/deactivate')
  @HttpCode(200)
  @Audited('tenantModules.deactivate')
  @ImpersonationPolicy('allowed')
  @ApiOp('tenantModules_deactivate', 'Switch a module off: not enabled until activated again (billing unchanged)', ['validation_failed', 'module_not_found'])
  @ApiOkResponse({ type: ModuleSwitchDto })
  deactivate(@Param() params: ModuleCodeParams): Promise<ModuleSwitchDto> {
    return this.modules.setActivated(this.context.actor.tenantId!, params.moduleCode, false);
  }
}

/** The signed-in tenant's entitlements: every module, enabled or not, and why (admins and managers). */
@ApiTags('tenant-modules')
@AuditResource('billing', 'entitlement')
@TenantAuth('admin', 'manager')
@Controller('tenant/entitlements')
export class TenantEntitlementsController {
  constructor(
    private readonly modules: ModuleSubscriptionsService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantEntitlements_list', 'List every module, by code, with isEntitled and the reason (plan, trial, subscription, switches, staff overrides)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(EntitlementDto) })
  list(@Query() query: PageQueryDto) {
    return this.modules.entitlementList(this.context.actor.tenantId!, query);
  }
}
