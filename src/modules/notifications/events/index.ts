export { TenantRiskChangedEvent } from './health.events';
