import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, Idempotent, PageOf, PageQueryDto, UuidPipe } from '../../../common/http';
import { PaymentDto, PaymentListQueryDto, RecordPaymentDto } from '../dto/payment.dto';
import { PaymentsService } from './payments.service';

/** Recording an offline payment against an invoice (staff owners and admins). */
@ApiTags('payments')
@AuditResource('billing', 'payment')
@PlatformAuth('owner', 'admin')
@Controller('admin/invoices/:invoiceId/payments')
export class AdminInvoicePaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Audited('payments.record')
  @Idempotent({ required: true })
  @ApiOp(
    'adminPayments_record',
    'Record an offline payment (bank transfer, cheque, cash) on an open or uncollectible invoice, or charge the card on file (`method: card`, answered pending); paid in full → the invoice is paid and a suspension for non-payment is lifted (Idempotency-Key required)',
    ['validation_failed', 'invoice_not_found', 'invoice_not_payable', 'payment_exceeds_amount_due', 'payment_in_progress', 'payment_method_required', 'automatic_collection_disabled'],
  )
  @ApiCreatedResponse({ type: PaymentDto })
  record(@Param('invoiceId', UuidPipe) invoiceId: string, @Body() dto: RecordPaymentDto): Promise<PaymentDto> {
    return this.payments.recordOffline(invoiceId, dto);
  }
}

/** Payment history across the platform (staff). */
@ApiTags('payments')
@AuditResource('billing', 'payment')
@PlatformAuth()
@Controller('admin/payments')
export class AdminPaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get()
  @ApiOp('adminPayments_list', 'List payments, newest first (filters: tenant, invoice, status — failed gives the failed payments — created from/to)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(PaymentDto) })
  list(@Query() query: PaymentListQueryDto) {
    return this.payments.list(query);
  }

  @Get(':paymentId')
  @ApiOp('adminPayments_get', 'Get one payment: its status (pending while the gateway answers), failure and decline codes, gateway reference', ['validation_failed', 'payment_not_found'])
  @ApiOkResponse({ type: PaymentDto })
  get(@Param('paymentId', UuidPipe) id: string): Promise<PaymentDto> {
    return this.payments.get(id);
  }
}

/** The signed-in tenant's payments (admins and managers). */
@ApiTags('tenant-billing')
@AuditResource('billing', 'payment')
@TenantAuth('admin', 'manager')
@Controller('tenant/payments')
export class TenantPaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantPayments_list', 'List your payments, newest first', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(PaymentDto) })
  list(@Query() query: PageQueryDto) {
    return this.payments.listForTenant(this.context.actor.tenantId!, query);
  }

  @Get(':paymentId')
  @ApiOp('tenantPayments_get', 'Get one of your payments (pending while the gateway answers, then succeeded or failed with the reason)', ['validation_failed', 'payment_not_found'])
  @ApiOkResponse({ type: PaymentDto })
  get(@Param('paymentId', UuidPipe) id: string): Promise<PaymentDto> {
    return this.payments.get(id, this.context.actor.tenantId!);
  }
}
