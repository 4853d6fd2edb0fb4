/** Public event surface of usage (depends on common/ only; importable by any context). */
export { UsageDriftCorrectedEvent, UsageRecalculationRequestedEvent } from './usage.events';
export { UsageLimitReachedEvent, UsageThresholdPayload, UsageThresholdReachedEvent } from './usage.events';
