import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto, UuidPipe } from '../../common/http';
import {
  ChangeLicensesDto,
  ChangePlanDto,
  ExtendTrialDto,
  PlanChangeResultDto,
  ConversionResultDto,
  LicenseChangeResultDto,
  PendingInvoiceItemDto,
  PreviewableDto,
  SubscriptionDto,
  SubscriptionUpdateResultDto,
  TenantSubscriptionDto,
  UpdateSubscriptionDto,
} from './dto/subscription.dto';
import { SubscriptionListQueryDto } from './dto/subscription-list.dto';
import { SubscriptionQueries } from './subscription-queries.service';
import { notePreview, SubscriptionsService } from './subscriptions.service';
import { ModuleSubscriptionsService } from './module-subscriptions.service';
import { CancelModuleQueryDto, ModuleSubscriptionResultDto, SubscribeModuleDto, TenantModuleParams } from './dto/module-subscription.dto';

/**
 * A tenant's subscription for platform staff: the subscription page, licenses, trial conversion
 * and the pending charges. Every route that moves money takes `"preview": true`, which answers the
 * same lines and totals and changes nothing.
 */
@ApiTags('subscriptions')
@AuditResource('billing', 'subscription')
@PlatformAuth()
@Controller('admin/tenants/:tenantId')
export class AdminSubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly modules: ModuleSubscriptionsService,
    private readonly context: RequestContext,
  ) {}

  private auditPreview(preview: boolean | undefined, action: string): boolean {
    return notePreview(this.context, preview, action);
  }

  @Get('subscription')
  @ApiOp('adminSubscriptions_get', 'Get a tenant’s plan and module subscriptions with licenses, users, costs and days left', ['validation_failed', 'tenant_not_found', 'subscription_not_found'])
  @ApiOkResponse({ type: TenantSubscriptionDto })
  get(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantSubscriptionDto> {
    return this.subscriptions.view(tenantId);
  }

  @Put('subscription')
  @Audited('subscriptions.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_update', 'Edit a tenant’s subscription: status, plan, licenses, trial end, next billing date, negotiated price, billing contact, payment method label, notes (no proration)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'plan_unavailable',
    'licenses_below_active_users',
    'licenses_not_licensed',
  ])
  @ApiOkResponse({ type: SubscriptionUpdateResultDto })
  update(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: UpdateSubscriptionDto): Promise<SubscriptionUpdateResultDto> {
    return this.subscriptions.update(tenantId, dto);
  }

  @Post('subscription/licenses/add')
  @HttpCode(200)
  @Audited('subscriptions.licenses_add')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_addLicenses', 'Add licenses now; the rest of the current period is charged prorated (preview: true changes nothing)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'licenses_not_licensed',
    'subscription_already_cancelled',
  ])
  @ApiOkResponse({ type: LicenseChangeResultDto })
  addLicenses(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ChangeLicensesDto): Promise<LicenseChangeResultDto> {
    return this.subscriptions.changeLicenses(tenantId, dto.quantity, this.auditPreview(dto.preview, 'subscriptions.licenses_add'));
  }

  @Post('subscription/licenses/remove')
  @HttpCode(200)
  @Audited('subscriptions.licenses_remove')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_removeLicenses', 'Remove licenses now; the unused part of the current period is credited (never below the active users; preview: true changes nothing)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'licenses_below_active_users',
    'licenses_below_minimum',
    'licenses_not_licensed',
    'subscription_already_cancelled',
  ])
  @ApiOkResponse({ type: LicenseChangeResultDto })
  removeLicenses(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ChangeLicensesDto): Promise<LicenseChangeResultDto> {
    return this.subscriptions.changeLicenses(tenantId, -dto.quantity, this.auditPreview(dto.preview, 'subscriptions.licenses_remove'));
  }

  @Post('subscription/convert-to-paid')
  @HttpCode(200)
  @Audited('subscriptions.convert_to_paid')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_convertToPaid', 'End the trial now: active, a new period from now, its charge pending (preview: true changes nothing)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'not_in_trial',
  ])
  @ApiOkResponse({ type: ConversionResultDto })
  convertToPaid(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: PreviewableDto): Promise<ConversionResultDto> {
    return this.subscriptions.convertToPaid(tenantId, this.auditPreview(dto.preview, 'subscriptions.convert_to_paid'));
  }

  @Post('subscription/change-plan')
  @HttpCode(200)
  @Audited('subscriptions.change_plan')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_changePlan', 'Move the tenant to another plan: upgrades now with proration, downgrades at period end by default; says what breaks; a couponCode is redeemed with the change (preview: true changes nothing and counts no redemption)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'plan_unavailable',
    'plan_unchanged',
    'subscription_already_cancelled',
    'coupon_not_found',
    'coupon_inactive',
    'coupon_expired',
    'coupon_redemption_limit_reached',
    'coupon_not_applicable',
    'coupon_currency_mismatch',
  ])
  @ApiOkResponse({ type: PlanChangeResultDto })
  changePlan(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ChangePlanDto): Promise<PlanChangeResultDto> {
    this.auditPreview(dto.preview, 'subscriptions.change_plan');
    return this.subscriptions.changePlan(tenantId, dto);
  }

  @Post('subscription/extend-trial')
  @HttpCode(200)
  @Audited('subscriptions.extend_trial')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_extendTrial', 'Extend the trial to a later end (or by days), with the reason on the audit trail', ['validation_failed', 'tenant_not_found', 'subscription_not_found', 'not_in_trial'])
  @ApiOkResponse({ type: TenantSubscriptionDto })
  extendTrial(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ExtendTrialDto): Promise<TenantSubscriptionDto> {
    return this.subscriptions.extendTrial(tenantId, dto);
  }

  @Post('subscription/modules/:moduleCode')
  @HttpCode(200)
  @Audited('subscriptions.modules_add')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_addModule', 'Subscribe the tenant to a module, with its free trial (one per module) or paid from now (preview: true changes nothing)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
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
  async addModule(@Param() params: TenantModuleParams, @Body() dto: SubscribeModuleDto): Promise<ModuleSubscriptionResultDto> {
    await this.subscriptions.requirePlanSubscription(params.tenantId); // 404 tenant_not_found / subscription_not_found first
    this.auditPreview(dto.preview, 'subscriptions.modules_add');
    return this.modules.subscribe(params.tenantId, params.moduleCode, dto);
  }

  @Delete('subscription/modules/:moduleCode')
  @Audited('subscriptions.modules_cancel')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_cancelModule', 'Cancel the tenant’s module subscription: now (default; the unused paid time is credited, the module turns off) or at the period end (preview=true changes nothing)', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'module_not_found',
    'module_not_subscribed',
  ])
  @ApiOkResponse({ type: ModuleSubscriptionResultDto })
  async cancelModule(@Param() params: TenantModuleParams, @Query() query: CancelModuleQueryDto): Promise<ModuleSubscriptionResultDto> {
    await this.subscriptions.requirePlanSubscription(params.tenantId);
    const preview = this.auditPreview(query.preview, 'subscriptions.modules_cancel');
    return query.effective === 'period_end' ? this.modules.cancelAtPeriodEnd(params.tenantId, params.moduleCode, preview) : this.modules.cancelNow(params.tenantId, params.moduleCode, preview);
  }

  @Get('billing/pending-items')
  @ApiOp('adminSubscriptions_listPendingItems', 'List a tenant’s pending invoice items (charges and credits waiting for the next invoice), newest first', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: PageOf(PendingInvoiceItemDto) })
  listPendingItems(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: PageQueryDto) {
    return this.subscriptions.pendingItems(tenantId, query);
  }
}

/** Every subscription on the platform, for platform staff. */
@ApiTags('subscriptions')
@AuditResource('billing', 'subscription')
@PlatformAuth()
@Controller('admin/subscriptions')
export class AdminSubscriptionListController {
  constructor(private readonly queries: SubscriptionQueries) {}

  @Get()
  @ApiOp('adminSubscriptions_list', 'List every subscription on the platform (filters: tenant, status, kind, plan, module, interval, trials ending, renewals due)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(SubscriptionDto) })
  list(@Query() query: SubscriptionListQueryDto) {
    return this.queries.list(query);
  }
}
