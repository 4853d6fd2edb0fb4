/** Public event surface of plans (depends on common/ only; importable by any context). */
export { ModuleCreatedEvent, ModuleUpdatedEvent, PlanCreatedEvent, PlanUpdatedEvent, QuotaUpdatedEvent } from './plan.events';
