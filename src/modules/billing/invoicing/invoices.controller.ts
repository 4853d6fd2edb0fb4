import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, Idempotent, PageOf, UuidPipe } from '../../../common/http';
import { APP_CONFIG, AppConfig } from '../../../config';
import { CreateInvoiceDto, InvoiceDto, InvoiceListQueryDto, TenantInvoiceListQueryDto } from '../dto/invoice.dto';
import { renderInvoicePdf } from './invoice-pdf';
import { InvoicesService, InvoiceWithLines } from './invoices.service';

/** The OpenAPI description of a PDF download. */
const PDF_RESPONSE = { description: 'The invoice as a PDF (Content-Disposition names the file after its number)', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } };

/** A PDF response named after the invoice number (a draft: after its id). */
async function pdfFile(row: InvoiceWithLines, issuer: string): Promise<StreamableFile> {
  const bytes = await renderInvoicePdf(row, { name: issuer });
  const name = row.invoice.number ?? `invoice-draft-${row.invoice.id}`;
  return new StreamableFile(bytes, { type: 'application/pdf', disposition: `attachment; filename="${name}.pdf"`, length: bytes.length });
}

/** Invoices across the platform for staff: manual invoices, finalize, void, uncollectible, PDFs. */
@ApiTags('invoices')
@AuditResource('billing', 'invoice')
@PlatformAuth()
@Controller('admin/invoices')
export class AdminInvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Audited('invoices.create')
  @PlatformAuth('owner', 'admin')
  @Idempotent({ required: true })
  @ApiOp('adminInvoices_create', 'Create a manual invoice for a tenant: a draft, or finalized at once with `finalize: true` (Idempotency-Key required)', ['validation_failed', 'tenant_not_found'])
  @ApiCreatedResponse({ type: InvoiceDto })
  create(@Body() dto: CreateInvoiceDto): Promise<InvoiceDto> {
    return this.invoices.createManual(dto);
  }

  @Get()
  @ApiOp('adminInvoices_list', 'List invoices, newest first (filters: tenant, status, number, created from/to, overdue)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(InvoiceDto) })
  list(@Query() query: InvoiceListQueryDto) {
    return this.invoices.list(query);
  }

  @Get(':invoiceId')
  @ApiOp('adminInvoices_get', 'Get an invoice with its lines', ['validation_failed', 'invoice_not_found'])
  @ApiOkResponse({ type: InvoiceDto })
  async get(@Param('invoiceId', UuidPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.dto(await this.invoices.get(id));
  }

  @Get(':invoiceId/pdf')
  @ApiProduces('application/pdf')
  @ApiOp('adminInvoices_getPdf', 'Download an invoice as a PDF', ['validation_failed', 'invoice_not_found'])
  @ApiOkResponse(PDF_RESPONSE)
  async pdf(@Param('invoiceId', UuidPipe) id: string): Promise<StreamableFile> {
    return pdfFile(await this.invoices.get(id), this.config.billingIssuerName);
  }

  @Post(':invoiceId/finalize')
  @HttpCode(200)
  @Audited('invoices.finalize')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminInvoices_finalize', 'Finalize a draft: it gets the next number of the year and can no longer change', ['validation_failed', 'invoice_not_found', 'invoice_not_draft'])
  @ApiOkResponse({ type: InvoiceDto })
  finalize(@Param('invoiceId', UuidPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.finalize(id);
  }

  @Post(':invoiceId/void')
  @HttpCode(200)
  @Audited('invoices.void')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminInvoices_void', 'Void an invoice nothing was paid on: nothing is owed any more', ['validation_failed', 'invoice_not_found', 'invoice_not_voidable', 'payment_in_progress'])
  @ApiOkResponse({ type: InvoiceDto })
  void(@Param('invoiceId', UuidPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.void(id);
  }

  @Post(':invoiceId/mark-uncollectible')
  @HttpCode(200)
  @Audited('invoices.mark_uncollectible')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminInvoices_markUncollectible', 'Mark an open invoice uncollectible (bad debt; it can still be paid or voided)', ['validation_failed', 'invoice_not_found', 'invoice_not_open'])
  @ApiOkResponse({ type: InvoiceDto })
  markUncollectible(@Param('invoiceId', UuidPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.markUncollectible(id);
  }
}

/** The signed-in tenant's billing history: its invoices (not drafts) and their PDFs (admins and managers). */
@ApiTags('tenant-billing')
@AuditResource('billing', 'invoice')
@TenantAuth('admin', 'manager')
@Controller('tenant/invoices')
export class TenantInvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOp('tenantInvoices_list', 'List your invoices, newest first', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(InvoiceDto) })
  list(@Query() query: TenantInvoiceListQueryDto) {
    return this.invoices.listForTenant(this.context.actor.tenantId!, query);
  }

  @Get(':invoiceId')
  @ApiOp('tenantInvoices_get', 'Get one of your invoices with its lines', ['validation_failed', 'invoice_not_found'])
  @ApiOkResponse({ type: InvoiceDto })
  async get(@Param('invoiceId', UuidPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.dto(await this.invoices.getForTenant(this.context.actor.tenantId!, id));
  }

  @Get(':invoiceId/pdf')
  @ApiProduces('application/pdf')
  @ApiOp('tenantInvoices_getPdf', 'Download one of your invoices as a PDF', ['validation_failed', 'invoice_not_found'])
  @ApiOkResponse(PDF_RESPONSE)
  async pdf(@Param('invoiceId', UuidPipe) id: string): Promise<StreamableFile> {
    return pdfFile(await this.invoices.getForTenant(this.context.actor.tenantId!, id), this.config.billingIssuerName);
  }
}
