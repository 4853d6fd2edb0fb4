export { ChargeLine, monthlyAmountCents, periodChargeLine, priceChangeLines, quantityChangeLine, remainingFraction, roundCents } from './proration';
