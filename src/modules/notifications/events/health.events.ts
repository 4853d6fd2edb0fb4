import { DomainEvent } from '../../../common/events';

/**
 * A tenant's daily health snapshot moved it to another risk level (low, medium, high). Producer:
 * notifications (tenant health). Consumers: platform webhooks; alert rules can use it.
 */
export class TenantRiskChangedEvent extends DomainEvent<{ tenantId: string; previousRisk: 'low' | 'medium' | 'high'; risk: 'low' | 'medium' | 'high'; previousScore: number; score: number; topReason: string | null; day: string }> {
  static override readonly eventName = 'tenant.risk_changed';
}
