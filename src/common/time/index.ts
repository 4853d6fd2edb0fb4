export { Clock, ClockModule, SystemClock } from './clock';
export { addBillingPeriods, addDays, BillingInterval, BILLING_INTERVALS, billingPeriodAt, BillingPeriod, daysBetweenCeil } from './billing-period';
