export { Clock, ClockModule, SystemClock } from './clock';
export { addBillingPeriods, BillingInterval, BILLING_INTERVALS, billingPeriodAt, BillingPeriod, daysBetweenCeil } from './billing-period';
