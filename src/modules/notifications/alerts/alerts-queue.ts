/** Bull queue of super-admin alerts. */
export const ALERTS_QUEUE = 'alerts';
/** Job that evaluates one rule at once (after it was created or changed). */
export const EVALUATE_RULE_JOB = 'evaluate-rule';
