import { createHash } from 'node:crypto';
import { GatewayPaymentMethod, GatewayResult, PaymentGateway, PaymentMethodRejectedError } from './payment-gateway';

/** How a sandbox test card behaves when charged (Stripe's test cards). */
interface SandboxCard {
  brand: string;
  last4: string;
  decline: { failureCode: string; declineCode: string | null; failureMessage: string } | null;
}

/**
 * The sandbox's test payment methods, the tokens a client passes to
 * `PUT /tenant/billing/payment-method` (modelled on Stripe's `pm_card_*` test methods).
 */
export const SANDBOX_TEST_CARDS: Record<string, SandboxCard> = {
  pm_card_ok: { brand: 'Visa', last4: '4242', decline: null },
  pm_card_mastercard: { brand: 'Mastercard', last4: '4444', decline: null },
  pm_card_declined: { brand: 'Visa', last4: '0002', decline: { failureCode: 'card_declined', declineCode: 'generic_decline', failureMessage: 'Your card was declined.' } },
  pm_insufficient_funds: { brand: 'Visa', last4: '9995', decline: { failureCode: 'card_declined', declineCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' } },
  pm_card_expired: { brand: 'Visa', last4: '0069', decline: { failureCode: 'expired_card', declineCode: null, failureMessage: 'Your card has expired.' } },
};

/** A stored sandbox method's reference: `pm_sandbox_<token suffix>_<digest>`, so a charge knows which card it is. */
const REFERENCE = /^pm_sandbox_([a-z_]+)__[0-9a-f]{16}$/;

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * A deterministic gateway for development, tests and demos: no network, no state. Each test
 * token answers as a real gateway would (a decline with its code and message, never a fake
 * success for a declining card); references are derived from the idempotency key, so a retry
 * with the same key returns the same answer — the property a real gateway gives.
 */
export class SandboxPaymentGateway extends PaymentGateway {
  readonly name = 'sandbox';
  readonly chargesAutomatically = true;

  attachPaymentMethod(input: { tenantId: string; token: string; idempotencyKey: string }): Promise<GatewayPaymentMethod> {
    const card = SANDBOX_TEST_CARDS[input.token];
    if (!card) {
      return Promise.reject(
        new PaymentMethodRejectedError('payment_method_invalid', `Unknown sandbox payment method "${input.token}"; use one of ${Object.keys(SANDBOX_TEST_CARDS).join(', ')}.`),
      );
    }
    return Promise.resolve({
      reference: `pm_sandbox_${input.token.replace(/^pm_/, '')}__${digest(input.tenantId, input.token).slice(0, 16)}`,
      type: 'card',
      brand: card.brand,
      last4: card.last4,
      expMonth: 12,
      expYear: 2034,
    });
  }

  charge(input: { paymentMethodReference: string; amountCents: number; currency: string; idempotencyKey: string }): Promise<GatewayResult> {
    const match = REFERENCE.exec(input.paymentMethodReference);
    const card = match ? SANDBOX_TEST_CARDS[`pm_${match[1]}`] : undefined;
    const reference = `ch_sandbox_${digest('charge', input.idempotencyKey).slice(0, 24)}`;
    if (!card) return Promise.resolve({ status: 'failed', failureCode: 'resource_missing', declineCode: null, failureMessage: 'No such payment method.', reference: null });
    if (card.decline) return Promise.resolve({ status: 'failed', ...card.decline, reference });
    return Promise.resolve({ status: 'succeeded', reference });
  }

  refund(input: { chargeReference: string; idempotencyKey: string }): Promise<GatewayResult> {
    if (!input.chargeReference.startsWith('ch_sandbox_')) {
      return Promise.resolve({ status: 'failed', failureCode: 'charge_not_found', declineCode: null, failureMessage: `No such charge: ${input.chargeReference}.`, reference: null });
    }
    return Promise.resolve({ status: 'succeeded', reference: `re_sandbox_${digest('refund', input.idempotencyKey).slice(0, 24)}` });
  }
}
