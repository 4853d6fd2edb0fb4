import { DomainEvent } from '../../../common/events';

/**
 * A compliance request finished: an export's archive is ready, or an erasure is done. Carries ids
 * and counts only, never the subject's email. Producer: compliance. Consumers: none yet.
 */
export class ComplianceRequestCompletedEvent extends DomainEvent<{ requestId: string; tenantId: string; kind: string; subjectKind: string; rows: number }> {
  static override readonly eventName = 'compliance.request_completed';
}
