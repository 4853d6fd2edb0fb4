import Decimal from 'decimal.js';
import PDFDocument from 'pdfkit';
import type { InvoiceWithLines } from './invoices.service';

/** The issuer printed at the top of every invoice. */
export interface Issuer {
  name: string;
}

/**
 * Formats minor units of `currency` for `locale` (e.g. 1234567 USD en-US → "$12,345.67", EUR de-DE
 * → "12.345,67 €"), exactly: the amount is divided with decimal.js and handed to Intl as a decimal
 * string, never as a float. Characters the PDF's standard fonts cannot draw (narrow no-break
 * space) become a no-break space.
 */
export function formatMoney(amountCents: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(safeLocale(locale), { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const value = new Decimal(amountCents).div(new Decimal(10).pow(digits)).toFixed(digits);
  return format.format(value as unknown as number).replace(/\u202f/g, '\u00a0');
}

/** A UTC date for `locale` (e.g. "Apr 1, 2027", "01.04.2027"). */
export function formatDate(date: Date | null, locale: string): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(safeLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(date).replace(/\u202f/g, '\u00a0');
}

function safeLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length ? locale : 'en-US';
  } catch {
    return 'en-US';
  }
}

/**
 * Draws the invoice as a PDF (pdfkit, A4): issuer, number or "DRAFT", issue and due dates, who is
 * billed, the charge lines with their periods, subtotal, each coupon's discount, tax with the calculator's note,
 * total, paid and due — amounts and dates in the billed tenant's locale. Resolves to the bytes.
 */
export function renderInvoicePdf({ invoice, lines }: InvoiceWithLines, issuer: Issuer): Promise<Buffer> {
  const locale = invoice.billedTo.locale;
  const money = (cents: number) => formatMoney(cents, invoice.currency, locale);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${invoice.number ?? 'draft'}`, Author: issuer.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(20).text(issuer.name);
  doc.moveDown(0.5);
  doc.fontSize(14).text(`Invoice ${invoice.number ?? 'DRAFT'}`);
  doc.font('Helvetica').fontSize(10);
  doc.text(`Status: ${invoice.status}`);
  doc.text(`Issued: ${formatDate(invoice.finalizedAt, locale)}`);
  doc.text(`Due: ${formatDate(invoice.dueAt, locale)}`);
  if (invoice.paidAt) doc.text(`Paid: ${formatDate(invoice.paidAt, locale)}`);
  doc.moveDown();
  doc.font('Helvetica-Bold').text('Billed to');
  doc.font('Helvetica').text(invoice.billedTo.name).text(invoice.billedTo.email);
  if (invoice.billedTo.phone) doc.text(invoice.billedTo.phone);
  doc.moveDown();

  const columns = { description: 50, quantity: 330, unit: 380, amount: 470 };
  const header = doc.y;
  doc.font('Helvetica-Bold');
  doc.text('Description', columns.description, header, { width: 270 });
  doc.text('Qty', columns.quantity, header, { width: 40, align: 'right' });
  doc.text('Unit', columns.unit, header, { width: 80, align: 'right' });
  doc.text('Amount', columns.amount, header, { width: 75, align: 'right' });
  doc.font('Helvetica');
  doc.moveDown(0.5);
  for (const line of lines.filter((l) => l.kind !== 'discount')) {
    const y = doc.y;
    const period = line.periodStart && line.periodEnd ? `\n${formatDate(line.periodStart, locale)} – ${formatDate(line.periodEnd, locale)}${line.proration ? ' (prorated)' : ''}` : '';
    doc.text(`${line.description}${period}`, columns.description, y, { width: 270 });
    const after = doc.y;
    doc.text(String(line.quantity), columns.quantity, y, { width: 40, align: 'right' });
    doc.text(money(line.unitAmountCents), columns.unit, y, { width: 80, align: 'right' });
    doc.text(money(line.amountCents), columns.amount, y, { width: 75, align: 'right' });
    doc.y = Math.max(after, doc.y) + 4;
  }
  doc.moveDown();
  const total = (label: string, cents: number, bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(label, 200, y, { width: 260, align: 'right' });
    doc.text(money(cents), columns.amount, y, { width: 75, align: 'right' });
  };
  total('Subtotal', invoice.subtotalCents);
  for (const line of lines.filter((l) => l.kind === 'discount')) total(`Discount: ${line.description}`, line.amountCents);
  if (invoice.discountCents && lines.every((l) => l.kind !== 'discount')) total('Discount', -invoice.discountCents);
  total('Tax', invoice.taxCents);
  total('Total', invoice.totalCents, true);
  total('Amount paid', invoice.amountPaidCents);
  total('Amount due', invoice.amountDueCents, true);
  doc.font('Helvetica').moveDown();
  doc.fontSize(8).text(invoice.taxNote, 50, doc.y, { width: 495 });
  if (invoice.memo) doc.moveDown(0.5).text(invoice.memo, { width: 495 });
  doc.text(`All amounts in ${invoice.currency}.`, { width: 495 });
  doc.end();
  return done;
}

/** What a credit note PDF shows. */
export interface CreditNotePdfInput {
  number: string;
  invoiceNumber: string;
  kind: string;
  reason: string;
  amountCents: number;
  currency: string;
  memo: string | null;
  issuedAt: Date;
  billedTo: InvoiceWithLines['invoice']['billedTo'];
}

const KIND_TEXT: Record<string, string> = {
  refund: 'Refunded on the original payment',
  amount_due: 'Deducted from the amount due on the invoice',
  credit_balance: 'Credited to your account balance, applied to your next invoices',
};

/**
 * Draws a credit note as a PDF (pdfkit, A4): issuer, number, the invoice it corrects, date, who is
 * credited, reason, where the amount went and the amount, in the credited tenant's locale.
 */
export function renderCreditNotePdf(note: CreditNotePdfInput, issuer: Issuer): Promise<Buffer> {
  const locale = note.billedTo.locale;
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Credit note ${note.number}`, Author: issuer.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(20).text(issuer.name);
  doc.moveDown(0.5);
  doc.fontSize(14).text(`Credit note ${note.number}`);
  doc.font('Helvetica').fontSize(10);
  doc.text(`For invoice: ${note.invoiceNumber}`);
  doc.text(`Issued: ${formatDate(note.issuedAt, locale)}`);
  doc.moveDown();
  doc.font('Helvetica-Bold').text('Credited to');
  doc.font('Helvetica').text(note.billedTo.name).text(note.billedTo.email);
  doc.moveDown();
  doc.text(`Reason: ${note.reason.replace(/_/g, ' ')}`);
  doc.text(KIND_TEXT[note.kind] ?? note.kind);
  if (note.memo) doc.text(note.memo, { width: 495 });
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(12).text(`Credit total: ${formatMoney(note.amountCents, note.currency, locale)}`);
  doc.font('Helvetica').fontSize(8).moveDown().text(`All amounts in ${note.currency}.`, { width: 495 });
  doc.end();
  return done;
}
