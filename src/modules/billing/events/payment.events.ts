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
