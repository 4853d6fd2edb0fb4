import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AllowPaymentWhileSuspended, DenyDuringImpersonation, PlatformAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, Idempotent, PageOf, UuidPipe } from '../../../common/http';
import { Clock } from '../../../common/time';
import { BillingEnforcementDto, DunningCaseDto, DunningCaseListQueryDto, DunningPolicyDto, SetEnforcementDto, UpdateDunningPolicyDto } from '../dto/dunning.dto';
import { PaymentDto, PaymentMethodDto, PaymentMethodViewDto, SetPaymentMethodDto } from '../dto/payment.dto';
import { PaymentMethod } from '../entities/payment-method.entity';
import { PaymentsService } from '../invoicing/payments.service';
import { DunningService } from './dunning.service';
import { PaymentCollectionService } from './payment-collection.service';
import { PaymentGateway } from './payment-gateway';

function toMethodDto(m: PaymentMethod): PaymentMethodDto {
  return { id: m.id, type: m.type, brand: m.brand, last4: m.last4, expMonth: m.expMonth, expYear: m.expYear, label: m.label, gateway: m.gateway, createdAt: m.createdAt.toISOString() };
}

/**
 * The signed-in tenant's payment method on file (admins change it, managers read it). Adding one
 * works while the tenant is suspended for non-payment: it is the way out.
 */
@ApiTags('tenant-billing')
@AuditResource('billing', 'payment_method')
@TenantAuth('admin')
@Controller('tenant/billing/payment-method')
export class TenantPaymentMethodController {
  constructor(
    private readonly collection: PaymentCollectionService,
    private readonly gateway: PaymentGateway,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @TenantAuth('admin', 'manager')
  @ApiOp('tenantBilling_getPaymentMethod', 'Get your payment method on file ("Visa •••• 4242"), or null')
  @ApiOkResponse({ type: PaymentMethodViewDto })
  async get(): Promise<PaymentMethodViewDto> {
    const method = await this.collection.activeMethod(this.context.actor.tenantId!);
    return { paymentMethod: method ? toMethodDto(method) : null, gateway: this.gateway.name };
  }

  @Put()
  @Audited('tenantBilling.payment_method_set')
  @DenyDuringImpersonation()
  @AllowPaymentWhileSuspended()
  @ApiOp(
    'tenantBilling_setPaymentMethod',
    'Set your payment method from a gateway token (sandbox: pm_card_ok, pm_card_mastercard, pm_card_declined, pm_insufficient_funds, pm_card_expired); replaces the previous one. Open invoices are not charged by this: pay them with POST /tenant/invoices/{invoiceId}/pay',
    ['validation_failed', 'payment_method_invalid', 'payment_method_unsupported'],
  )
  @ApiOkResponse({ type: PaymentMethodViewDto })
  async set(@Body() dto: SetPaymentMethodDto): Promise<PaymentMethodViewDto> {
    const method = await this.collection.attach(this.context.actor.tenantId!, dto.token, this.context.actor.id);
    return { paymentMethod: toMethodDto(method), gateway: this.gateway.name };
  }
}

/** The tenant pays an open invoice with its method on file (admins; also while suspended for non-payment). */
@ApiTags('tenant-billing')
@AuditResource('billing', 'payment')
@TenantAuth('admin')
@Controller('tenant/invoices/:invoiceId/pay')
export class TenantInvoicePayController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly context: RequestContext,
  ) {}

  @Post()
  @Audited('tenantInvoices.pay')
  @Idempotent({ required: true })
  @DenyDuringImpersonation()
  @AllowPaymentWhileSuspended()
  @ApiOp(
    'tenantInvoices_pay',
    'Pay an open invoice with your payment method on file (Idempotency-Key required). Answers the payment `pending`; GET /tenant/payments/{paymentId} gives its outcome within seconds. Paid in full → the invoice is paid and a suspension for non-payment is lifted',
    ['validation_failed', 'invoice_not_found', 'invoice_not_payable', 'payment_in_progress', 'payment_method_required', 'automatic_collection_disabled'],
  )
  @ApiCreatedResponse({ type: PaymentDto })
  pay(@Param('invoiceId', UuidPipe) invoiceId: string): Promise<PaymentDto> {
    return this.payments.payForTenant(this.context.actor.tenantId!, invoiceId);
  }
}

/** The dunning policy and the invoices in dunning (staff; owners and admins change the policy). */
@ApiTags('dunning')
@AuditResource('billing', 'dunning_policy')
@PlatformAuth()
@Controller('admin/billing')
export class AdminDunningController {
  constructor(
    private readonly dunning: DunningService,
    private readonly context: RequestContext,
  ) {}

  @Get('dunning-policy')
  @ApiOp('adminDunning_getPolicy', 'Get the dunning policy: retry days after a failed charge and grace days before enforcement')
  @ApiOkResponse({ type: DunningPolicyDto })
  async getPolicy(): Promise<DunningPolicyDto> {
    const p = await this.dunning.policy();
    return { retryDays: p.retryDays, graceDays: p.graceDays, updatedAt: p.updatedAt?.toISOString() ?? null };
  }

  @Put('dunning-policy')
  @Audited('dunning.policy_update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminDunning_setPolicy', 'Replace the dunning policy (applies to invoices already in dunning from their next step)', ['validation_failed'])
  @ApiOkResponse({ type: DunningPolicyDto })
  async setPolicy(@Body() dto: UpdateDunningPolicyDto): Promise<DunningPolicyDto> {
    const before = await this.dunning.policy();
    const p = await this.dunning.setPolicy(dto, this.context.actor.id);
    const out = { retryDays: p.retryDays, graceDays: p.graceDays, updatedAt: p.updatedAt?.toISOString() ?? null };
    this.context.noteAudit({ resourceId: 'dunning-policy', before: { retryDays: before.retryDays, graceDays: before.graceDays }, after: out });
    return out;
  }

  @Get('dunning-cases')
  @ApiOp('adminDunning_listCases', 'List invoices in dunning, newest first (filters: status, tenant)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(DunningCaseDto) })
  listCases(@Query() query: DunningCaseListQueryDto) {
    return this.dunning.listCases(query);
  }
}

/** Exempting a tenant from dunning enforcement (staff owners and admins; audited with the reason). */
@ApiTags('dunning')
@AuditResource('billing', 'billing_account')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/billing/enforcement')
export class AdminBillingEnforcementController {
  constructor(
    private readonly dunning: DunningService,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOp('adminBilling_getEnforcement', 'Whether dunning enforcement is paused for the tenant', ['validation_failed'])
  @ApiOkResponse({ type: BillingEnforcementDto })
  get(@Param('tenantId', UuidPipe) tenantId: string): Promise<BillingEnforcementDto> {
    return this.dunning.enforcement(tenantId);
  }

  @Put()
  @Audited('billing.enforcement_set')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminBilling_setEnforcement', 'Pause or resume dunning enforcement for the tenant: while paused no module is turned off and the tenant is not suspended for non-payment (retries still run)', [
    'validation_failed',
    'tenant_not_found',
  ])
  @ApiOkResponse({ type: BillingEnforcementDto })
  set(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: SetEnforcementDto): Promise<BillingEnforcementDto> {
    return this.dunning.setEnforcement(tenantId, dto.paused, dto.reason, this.context.actor.id, this.clock.now());
  }
}
