import { DomainEvent } from '../../../common/events';

/** Facts of a payment event. Amounts in minor units of `currency`. */
export interface PaymentEventPayload {
  paymentId: string;
  invoiceId: string;
  invoiceNumber: string | null;
  amountCents: number;
  currency: string;
  method: string;
  gateway: string;
}

/** A payment succeeded (an offline payment recorded by staff, or a charge the gateway accepted). Producer: billing. */
export class PaymentSucceededEvent extends DomainEvent<PaymentEventPayload> {
  static override readonly eventName = 'payment.succeeded';
}

/** A charge failed: the gateway declined it or no method could be charged. Producer: billing. */
export class PaymentFailedEvent extends DomainEvent<PaymentEventPayload & { failureCode: string; declineCode: string | null; failureMessage: string; attempt: number; trigger: string; nextRetryAt: string | null }> {
  static override readonly eventName = 'payment.failed';
}

/** Money was returned on a payment (in full or in part); a credit note records it. Producer: billing. */
export class PaymentRefundedEvent extends DomainEvent<PaymentEventPayload & { refundId: string; refundedCents: number; totalRefundedCents: number; creditNoteId: string; creditNoteNumber: string }> {
  static override readonly eventName = 'payment.refunded';
}
