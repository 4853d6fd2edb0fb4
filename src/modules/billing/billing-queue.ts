/** Bull queue of the billing context (the lifecycle run, payment collection jobs). */
export const BILLING_QUEUE = 'billing';
/** Job that calls the gateway for one pending payment; its job id is the payment's id. */
export const COLLECT_JOB = 'collect';
/** Job that sends one pending refund to the gateway; its job id is `refund:<refundId>`. */
export const REFUND_JOB = 'refund';
