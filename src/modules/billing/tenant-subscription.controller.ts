import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DenyDuringImpersonation, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource } from '../../common/http';
import { ChangeLicensesDto, ChangePlanDto, LicenseChangeResultDto, PlanChangeResultDto, SubscriptionDto, TenantSelfSubscriptionDto } from './dto/subscription.dto';
import { notePreview, SubscriptionsService } from './subscriptions.service';

/**
 * The signed-in tenant's plan subscription (tenant admins change it, managers read it): the same
 * rules as the staff routes — prorated licenses, plan changes that say what breaks, cancellation at
 * the period end. Every route that moves money takes `"preview": true` and refuses to run under an
 * impersonation session (the tenant's own decision).
 */
@ApiTags('tenant-subscription')
@AuditResource('billing', 'subscription')
@TenantAuth('admin')
@Controller('tenant/subscription')
export class TenantSubscriptionController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly context: RequestContext,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  private auditPreview(preview: boolean | undefined, action: string): boolean {
    return notePreview(this.context, preview, action);
  }

  @Get()
  @TenantAuth('admin', 'manager')
  @ApiOp('tenantSubscription_get', 'Get the plan subscription: licenses used and total, module subscriptions, monthly cost, trial days left, next billing date', ['subscription_not_found'])
  @ApiOkResponse({ type: TenantSelfSubscriptionDto })
  get(): Promise<TenantSelfSubscriptionDto> {
    return this.subscriptions.viewForTenant(this.tenantId);
  }

  @Post('licenses/add')
  @HttpCode(200)
  @Audited('tenantSubscription.licenses_add')
  @DenyDuringImpersonation()
  @ApiOp('tenantSubscription_addLicenses', 'Add licenses now; the rest of the current period is charged prorated (preview: true changes nothing)', ['validation_failed', 'subscription_not_found', 'licenses_not_licensed', 'subscription_already_cancelled'])
  @ApiOkResponse({ type: LicenseChangeResultDto })
  addLicenses(@Body() dto: ChangeLicensesDto): Promise<LicenseChangeResultDto> {
    return this.subscriptions.changeLicenses(this.tenantId, dto.quantity, this.auditPreview(dto.preview, 'tenantSubscription.licenses_add'));
  }

  @Post('licenses/remove')
  @HttpCode(200)
  @Audited('tenantSubscription.licenses_remove')
  @DenyDuringImpersonation()
  @ApiOp('tenantSubscription_removeLicenses', 'Remove licenses now; the unused part of the period is credited (never below the active users; preview: true changes nothing)', [
    'validation_failed',
    'subscription_not_found',
    'licenses_below_active_users',
    'licenses_below_minimum',
    'licenses_not_licensed',
    'subscription_already_cancelled',
  ])
  @ApiOkResponse({ type: LicenseChangeResultDto })
  removeLicenses(@Body() dto: ChangeLicensesDto): Promise<LicenseChangeResultDto> {
    return this.subscriptions.changeLicenses(this.tenantId, -dto.quantity, this.auditPreview(dto.preview, 'tenantSubscription.licenses_remove'));
  }

  @Post('change-plan')
  @HttpCode(200)
  @Audited('tenantSubscription.change_plan')
  @DenyDuringImpersonation()
  @ApiOp('tenantSubscription_changePlan', 'Move to another plan (GET /tenant/plans): upgrades now with proration, downgrades at period end; says what breaks; a couponCode is redeemed with the change (preview: true changes nothing and counts no redemption)', [
    'validation_failed',
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
  changePlan(@Body() dto: ChangePlanDto): Promise<PlanChangeResultDto> {
    this.auditPreview(dto.preview, 'tenantSubscription.change_plan');
    return this.subscriptions.changePlan(this.tenantId, dto);
  }

  @Post('cancel')
  @HttpCode(200)
  @Audited('tenantSubscription.cancel')
  @DenyDuringImpersonation()
  @ApiOp('tenantSubscription_cancel', 'Cancel the subscription at the end of the current period (a trial at its end); nothing is charged or refunded; resume undoes it', ['subscription_not_found', 'subscription_already_cancelled'])
  @ApiOkResponse({ type: SubscriptionDto })
  cancel(): Promise<SubscriptionDto> {
    return this.subscriptions.setCancelAtPeriodEnd(this.tenantId, true);
  }

  @Post('resume')
  @HttpCode(200)
  @Audited('tenantSubscription.resume')
  @DenyDuringImpersonation()
  @ApiOp('tenantSubscription_resume', 'Take back a cancellation at period end: the subscription renews as before', ['subscription_not_found', 'subscription_already_cancelled'])
  @ApiOkResponse({ type: SubscriptionDto })
  resume(): Promise<SubscriptionDto> {
    return this.subscriptions.setCancelAtPeriodEnd(this.tenantId, false);
  }
}
