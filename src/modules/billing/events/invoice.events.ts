import { DomainEvent } from '../../../common/events';

/** Facts every invoice event carries. Amounts in minor units of `currency`. */
export interface InvoiceEventPayload {
  invoiceId: string;
  number: string | null;
  status: string;
  billingReason: string;
  currency: string;
  totalCents: number;
  amountDueCents: number;
}

/** An invoice was created (a draft; subscription invoices are finalized in the same transaction). Producer: billing. */
export class InvoiceCreatedEvent extends DomainEvent<InvoiceEventPayload> {
  static override readonly eventName = 'invoice.created';
}

/** An invoice was finalized: it has its number and is frozen. Producer: billing. */
export class InvoiceFinalizedEvent extends DomainEvent<InvoiceEventPayload> {
  static override readonly eventName = 'invoice.finalized';
}

/** An invoice was paid in full (or finalized with nothing due). Producer: billing. */
export class InvoicePaidEvent extends DomainEvent<InvoiceEventPayload> {
  static override readonly eventName = 'invoice.paid';
}

/** An invoice was voided: nothing is owed on it any more. Producer: billing. */
export class InvoiceVoidedEvent extends DomainEvent<InvoiceEventPayload> {
  static override readonly eventName = 'invoice.voided';
}

/** An open invoice was marked uncollectible (bad debt). Producer: billing. */
export class InvoiceUncollectibleEvent extends DomainEvent<InvoiceEventPayload> {
  static override readonly eventName = 'invoice.uncollectible';
}

/** Facts of a credit note event. Amount in minor units of `currency`. */
export interface CreditNoteEventPayload {
  creditNoteId: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string;
  kind: string;
  reason: string;
  amountCents: number;
  currency: string;
  refundId: string | null;
}

/** A credit note was issued against a finalized invoice (a refund, a reduction of the amount due, or credit to the balance). Producer: billing. */
export class CreditNoteCreatedEvent extends DomainEvent<CreditNoteEventPayload> {
  static override readonly eventName = 'credit_note.created';
}
