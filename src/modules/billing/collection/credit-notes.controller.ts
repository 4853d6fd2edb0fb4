import { Body, Controller, Get, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, Idempotent, PageOf, PageQueryDto, UuidPipe } from '../../../common/http';
import { APP_CONFIG, AppConfig } from '../../../config';
import { CreateCreditNoteDto, CreateRefundDto, CreditBalancesDto, CreditNoteDto, CreditNoteListQueryDto, RefundDto } from '../dto/credit-note.dto';
import { CreditNote } from '../entities/credit-note.entity';
import { renderCreditNotePdf } from '../invoicing/invoice-pdf';
import { CreditBalanceLedger } from './credit-balance';
import { CreditNotesService, toCreditNoteDto } from './credit-notes.service';
import { RefundsService } from './refunds.service';

const PDF_RESPONSE = { description: 'The credit note as a PDF (Content-Disposition names the file after its number)', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } };

async function pdfFile(note: CreditNote, issuer: string): Promise<StreamableFile> {
  const bytes = await renderCreditNotePdf(note, { name: issuer });
  return new StreamableFile(bytes, { type: 'application/pdf', disposition: `attachment; filename="${note.number}.pdf"`, length: bytes.length });
}

/** Refunds of a payment (staff owners and admins issue them; every staff member reads them). */
@ApiTags('payments')
@AuditResource('billing', 'refund')
@PlatformAuth()
@Controller('admin/payments/:paymentId/refunds')
export class AdminRefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post()
  @Audited('payments.refund')
  @PlatformAuth('owner', 'admin')
  @Idempotent({ required: true })
  @ApiOp(
    'adminPayments_refund',
    'Refund all or part of a payment (never more than what is left; Idempotency-Key required). An offline payment\'s refund is recorded at once; a card payment\'s is sent to the gateway (pending, then succeeded). Each succeeded refund issues a credit note',
    ['validation_failed', 'payment_not_found', 'payment_not_refundable', 'refund_exceeds_remaining'],
  )
  @ApiCreatedResponse({ type: RefundDto })
  create(@Param('paymentId', UuidPipe) paymentId: string, @Body() dto: CreateRefundDto): Promise<RefundDto> {
    return this.refunds.create(paymentId, dto);
  }

  @Get()
  @ApiOp('adminPayments_listRefunds', 'List the refunds of a payment, oldest first', ['validation_failed', 'payment_not_found'])
  @ApiOkResponse({ type: [RefundDto] })
  list(@Param('paymentId', UuidPipe) paymentId: string): Promise<RefundDto[]> {
    return this.refunds.listForPayment(paymentId);
  }
}

/** Goodwill and correcting credit notes on a finalized invoice (staff owners and admins). */
@ApiTags('credit-notes')
@AuditResource('billing', 'credit_note')
@PlatformAuth('owner', 'admin')
@Controller('admin/invoices/:invoiceId/credit-notes')
export class AdminInvoiceCreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  @Post()
  @Audited('creditNotes.create')
  @Idempotent({ required: true })
  @ApiOp(
    'adminCreditNotes_create',
    'Issue a credit note (goodwill or a correction): on an open invoice it reduces the amount due (to 0: paid); on a paid one it goes to the tenant\'s credit balance, used by its next invoices (Idempotency-Key required)',
    ['validation_failed', 'invoice_not_found', 'invoice_not_creditable', 'credit_exceeds_amount_due', 'credit_exceeds_invoice_total', 'payment_in_progress'],
  )
  @ApiCreatedResponse({ type: CreditNoteDto })
  create(@Param('invoiceId', UuidPipe) invoiceId: string, @Body() dto: CreateCreditNoteDto): Promise<CreditNoteDto> {
    return this.creditNotes.createForInvoice(invoiceId, dto);
  }
}

/** Credit notes across the platform and a tenant's credit balance (staff). */
@ApiTags('credit-notes')
@AuditResource('billing', 'credit_note')
@PlatformAuth()
@Controller('admin')
export class AdminCreditNotesController {
  constructor(
    private readonly creditNotes: CreditNotesService,
    private readonly balance: CreditBalanceLedger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('credit-notes')
  @ApiOp('adminCreditNotes_list', 'List credit notes, newest first (filters: tenant, invoice)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(CreditNoteDto) })
  list(@Query() query: CreditNoteListQueryDto) {
    return this.creditNotes.list(query);
  }

  @Get('credit-notes/:creditNoteId')
  @ApiOp('adminCreditNotes_get', 'Get a credit note', ['validation_failed', 'credit_note_not_found'])
  @ApiOkResponse({ type: CreditNoteDto })
  async get(@Param('creditNoteId', UuidPipe) id: string): Promise<CreditNoteDto> {
    return toCreditNoteDto(await this.creditNotes.get(id));
  }

  @Get('credit-notes/:creditNoteId/pdf')
  @ApiProduces('application/pdf')
  @ApiOp('adminCreditNotes_getPdf', 'Download a credit note as a PDF', ['validation_failed', 'credit_note_not_found'])
  @ApiOkResponse(PDF_RESPONSE)
  async pdf(@Param('creditNoteId', UuidPipe) id: string): Promise<StreamableFile> {
    return pdfFile(await this.creditNotes.get(id), this.config.billingIssuerName);
  }

  @Get('tenants/:tenantId/billing/credit-balance')
  @ApiOp('adminBilling_getCreditBalance', 'The tenant\'s credit balance per currency (credit notes put on it, applied to its next invoices)', ['validation_failed'])
  @ApiOkResponse({ type: CreditBalancesDto })
  async creditBalance(@Param('tenantId', UuidPipe) tenantId: string): Promise<CreditBalancesDto> {
    return { balances: await this.balance.balances(tenantId) };
  }
}

/** The signed-in tenant's credit notes and credit balance (admins and managers). */
@ApiTags('tenant-billing')
@AuditResource('billing', 'credit_note')
@TenantAuth('admin', 'manager')
@Controller('tenant')
export class TenantCreditNotesController {
  constructor(
    private readonly creditNotes: CreditNotesService,
    private readonly balance: CreditBalanceLedger,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Get('credit-notes')
  @ApiOp('tenantCreditNotes_list', 'List your credit notes, newest first', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(CreditNoteDto) })
  list(@Query() query: PageQueryDto) {
    return this.creditNotes.list(query, this.tenantId);
  }

  @Get('credit-notes/:creditNoteId')
  @ApiOp('tenantCreditNotes_get', 'Get one of your credit notes', ['validation_failed', 'credit_note_not_found'])
  @ApiOkResponse({ type: CreditNoteDto })
  async get(@Param('creditNoteId', UuidPipe) id: string): Promise<CreditNoteDto> {
    return toCreditNoteDto(await this.creditNotes.get(id, this.tenantId));
  }

  @Get('credit-notes/:creditNoteId/pdf')
  @ApiProduces('application/pdf')
  @ApiOp('tenantCreditNotes_getPdf', 'Download one of your credit notes as a PDF', ['validation_failed', 'credit_note_not_found'])
  @ApiOkResponse(PDF_RESPONSE)
  async pdf(@Param('creditNoteId', UuidPipe) id: string): Promise<StreamableFile> {
    return pdfFile(await this.creditNotes.get(id, this.tenantId), this.config.billingIssuerName);
  }

  @Get('billing/credit-balance')
  @ApiOp('tenantBilling_getCreditBalance', 'Your credit balance per currency: applied to your next invoices before anything is charged')
  @ApiOkResponse({ type: CreditBalancesDto })
  async creditBalance(): Promise<CreditBalancesDto> {
    return { balances: await this.balance.balances(this.tenantId) };
  }
}
