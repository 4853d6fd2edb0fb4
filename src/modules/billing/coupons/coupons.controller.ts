import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../../common/http';
import { SubscriptionDto } from '../dto/subscription.dto';
import { ApplyDiscountDto, CouponDto, CouponListQueryDto, CreateCouponDto, RemoveDiscountQueryDto, UpdateCouponDto } from './coupon.dto';
import { CouponsService } from './coupons.service';
import { SubscriptionDiscountsService } from './subscription-discounts.service';

/** The coupon catalog for platform staff (discount codes tenants and staff redeem on subscriptions); changes by owners and admins. */
@ApiTags('coupons')
@AuditResource('billing', 'coupon')
@PlatformAuth()
@Controller('admin/coupons')
export class AdminCouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Post()
  @Audited('coupons.create')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminCoupons_create', 'Add a coupon: a percentage or an amount off, once, for some months or forever, with optional limits and the plans and modules it applies to', [
    'validation_failed',
    'coupon_code_taken',
    'plan_unavailable',
    'unknown_module',
  ])
  @ApiCreatedResponse({ type: CouponDto })
  create(@Body() dto: CreateCouponDto): Promise<CouponDto> {
    return this.coupons.create(dto);
  }

  @Get()
  @ApiOp('adminCoupons_list', 'List coupons, newest first (filter: isActive)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(CouponDto) })
  list(@Query() query: CouponListQueryDto) {
    return this.coupons.list(query);
  }

  @Get(':couponId')
  @ApiOp('adminCoupons_get', 'Get a coupon with its redemption count', ['validation_failed', 'coupon_not_found'])
  @ApiOkResponse({ type: CouponDto })
  get(@Param('couponId', UuidPipe) id: string): Promise<CouponDto> {
    return this.coupons.get(id);
  }

  @Patch(':couponId')
  @Audited('coupons.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminCoupons_update', 'Change a coupon’s name, isActive flag, redeemBy or maxRedemptions (its code and price terms are immutable)', ['validation_failed', 'coupon_not_found', 'coupon_terms_immutable'])
  @ApiOkResponse({ type: CouponDto })
  update(@Param('couponId', UuidPipe) id: string, @Body() dto: UpdateCouponDto): Promise<CouponDto> {
    return this.coupons.update(id, dto);
  }
}

/** A tenant's subscription discount for platform staff: apply a coupon to the plan or a module subscription, or remove it. */
@ApiTags('subscriptions')
@AuditResource('billing', 'subscription')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/subscription/discount')
export class AdminSubscriptionDiscountController {
  constructor(private readonly discounts: SubscriptionDiscountsService) {}

  @Post()
  @HttpCode(200)
  @Audited('subscriptions.discount_apply')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_applyDiscount', 'Redeem a coupon on the tenant’s plan subscription (or a module subscription): its discount applies from the next charge and replaces a previous one', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'module_not_found',
    'module_not_subscribed',
    'subscription_already_cancelled',
    'coupon_not_found',
    'coupon_inactive',
    'coupon_expired',
    'coupon_redemption_limit_reached',
    'coupon_not_applicable',
    'coupon_currency_mismatch',
  ])
  @ApiOkResponse({ type: SubscriptionDto })
  apply(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: ApplyDiscountDto): Promise<SubscriptionDto> {
    return this.discounts.apply(tenantId, dto.couponCode, dto.moduleCode);
  }

  @Delete()
  @Audited('subscriptions.discount_remove')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminSubscriptions_removeDiscount', 'Remove the live discount of the tenant’s plan subscription (or a module subscription) now: later charges are billed in full', [
    'validation_failed',
    'tenant_not_found',
    'subscription_not_found',
    'module_not_found',
    'module_not_subscribed',
    'subscription_already_cancelled',
    'discount_not_found',
  ])
  @ApiOkResponse({ type: SubscriptionDto })
  remove(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: RemoveDiscountQueryDto): Promise<SubscriptionDto> {
    return this.discounts.remove(tenantId, query.moduleCode);
  }
}
