export { AlertOpenedEvent, AlertResolvedEvent } from './alert.events';
export { TenantRiskChangedEvent } from './health.events';
