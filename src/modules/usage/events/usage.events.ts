import { DomainEvent } from '../../../common/events';

/** Staff asked to recount a tenant's usage; a listener enqueues the job (jobId = eventId). Producer: usage. */
export class UsageRecalculationRequestedEvent extends DomainEvent<{ requestedBy: string | null }> {
  static override readonly eventName = 'usage.recalculation_requested';
}

/** A recount found counters that had drifted and corrected them. Producer: usage. */
export class UsageDriftCorrectedEvent extends DomainEvent<{ before: Record<string, number>; after: Record<string, number> }> {
  static override readonly eventName = 'usage.drift_corrected';
}
