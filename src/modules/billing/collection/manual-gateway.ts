import { GatewayPaymentMethod, GatewayResult, PaymentGateway, PaymentMethodRejectedError } from './payment-gateway';

/**
 * The gateway of a platform that collects offline only (bank transfer, cheque): it stores no
 * payment methods and charges nothing. Invoices stay open until staff record the payment; the
 * dunning schedule still runs (as reminders) and enforces on unpaid invoices. A charge or refund
 * asked of it answers an honest failure, never a success.
 */
export class ManualPaymentGateway extends PaymentGateway {
  readonly name = 'manual';
  readonly chargesAutomatically = false;

  attachPaymentMethod(): Promise<GatewayPaymentMethod> {
    return Promise.reject(new PaymentMethodRejectedError('payment_method_unsupported', 'This platform collects payments offline (PAYMENT_GATEWAY=manual): no payment method can be stored.'));
  }

  charge(): Promise<GatewayResult> {
    return Promise.resolve({ status: 'failed', failureCode: 'automatic_collection_disabled', declineCode: null, failureMessage: 'The manual gateway charges nothing; record the payment offline.', reference: null });
  }

  refund(): Promise<GatewayResult> {
    return Promise.resolve({ status: 'failed', failureCode: 'automatic_collection_disabled', declineCode: null, failureMessage: 'The manual gateway refunds nothing; return the money offline and record the refund.', reference: null });
  }
}
