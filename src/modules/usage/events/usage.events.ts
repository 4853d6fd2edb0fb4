import { DomainEvent } from '../../../common/events';

/** Staff asked to recount a tenant's usage; a listener enqueues the job (jobId = eventId). Producer: usage. */
export class UsageRecalculationRequestedEvent extends DomainEvent<{ requestedBy: string | null }> {
  static override readonly eventName = 'usage.recalculation_requested';
}

/** A recount found counters that had drifted and corrected them. Producer: usage. */
export class UsageDriftCorrectedEvent extends DomainEvent<{ before: Record<string, number>; after: Record<string, number> }> {
  static override readonly eventName = 'usage.drift_corrected';
}

/** What a threshold event says: the metric's use crossed `threshold` % of its limit in the period starting `periodStart` (UTC day). */
export interface UsageThresholdPayload {
  metric: string;
  threshold: number;
  limit: number;
  used: number;
  periodStart: string;
}

/**
 * A metric's use crossed 80, 90 or 100 % of its limit: once per threshold per period, again only
 * after it fell below and crossed again. Producer: usage.
 */
export class UsageThresholdReachedEvent extends DomainEvent<UsageThresholdPayload> {
  static override readonly eventName = 'usage.threshold_reached';
}

/** A metric's use reached its limit (100 %). Producer: usage. */
export class UsageLimitReachedEvent extends DomainEvent<UsageThresholdPayload> {
  static override readonly eventName = 'usage.limit_reached';
}
