import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { transactionBegun } from '../../../database/lazy-transaction.adapter';

/**
 * The payment gateway port (CONVENTIONS §10): the only way the billing context moves money.
 * Adapters answer as a real gateway would and are called only after the transaction that
 * recorded the intent has committed, never inside one. Every call carries an idempotency key:
 * a retried call with the same key must return the first answer and never charge twice (Stripe's
 * `Idempotency-Key`, Adyen's `Idempotency-Key`).
 */

/** A card the gateway holds for the tenant, as it may be shown ("Visa •••• 4242"). */
export interface GatewayPaymentMethod {
  /** The gateway's id of the stored method (e.g. `pm_…`). */
  reference: string;
  type: 'card';
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** What a charge or refund answered. `failed` is a decline (the gateway said no); an outage throws instead. */
export type GatewayResult =
  | { status: 'succeeded'; reference: string }
  | {
      status: 'failed';
      /** The gateway's error code (Stripe's: card_declined, expired_card, processing_error, …); not one of this API's problem codes. */
      failureCode: string;
      /** The issuer's reason for a card decline (generic_decline, insufficient_funds, …), when given. */
      declineCode: string | null;
      failureMessage: string;
      reference: string | null;
    };

/** A method the gateway refused to store (an unknown or unusable token): 422 for the caller. */
export class PaymentMethodRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The gateway could not be reached or failed on its side: the call may be retried with the same idempotency key. */
export class GatewayUnavailableError extends Error {}

/**
 * Port implemented by every gateway adapter. Amounts are integer minor units of `currency`
 * (ISO 4217). Adding a real gateway (Stripe, Adyen, …): implement this class in
 * `collection/<name>-gateway.ts`, map its declines to {@link GatewayResult} `failed` and its
 * outages to {@link GatewayUnavailableError}, pass our idempotency keys through, and register it
 * in `paymentGatewayFactory` under a new `PAYMENT_GATEWAY` value.
 */
export abstract class PaymentGateway {
  /** The adapter's name, stored on every payment it handled. */
  abstract readonly name: string;
  /** Whether the gateway charges stored methods (false: nothing is charged automatically). */
  abstract readonly chargesAutomatically: boolean;

  /**
   * Stores the payment method a client-side tokenization produced for the tenant.
   * @throws PaymentMethodRejectedError when the token is unknown or unusable | GatewayUnavailableError
   */
  abstract attachPaymentMethod(input: { tenantId: string; token: string; idempotencyKey: string }): Promise<GatewayPaymentMethod>;

  /**
   * Charges `amountCents` to a stored method. The same `idempotencyKey` returns the first answer.
   * @throws GatewayUnavailableError (retry with the same key)
   */
  abstract charge(input: { paymentMethodReference: string; amountCents: number; currency: string; idempotencyKey: string; description: string }): Promise<GatewayResult>;

  /**
   * Refunds `amountCents` of a succeeded charge. The same `idempotencyKey` returns the first answer.
   * @throws GatewayUnavailableError (retry with the same key)
   */
  abstract refund(input: { chargeReference: string; amountCents: number; currency: string; idempotencyKey: string }): Promise<GatewayResult>;
}

/**
 * Fails closed before a gateway call: an outside call never runs inside an open database
 * transaction (CONVENTIONS §10). @throws Error naming the call (a bug in the caller)
 */
export function assertOutsideTransaction(txHost: TransactionHost<TransactionalAdapterTypeOrm>, call: string): void {
  if (txHost.isTransactionActive() && transactionBegun(txHost.tx)) {
    throw new Error(`PaymentGateway.${call} must not be called inside an open database transaction (CONVENTIONS §10)`);
  }
}
