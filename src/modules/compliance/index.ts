export { COMPLIANCE_ERRORS } from './errors';
export { ComplianceModule } from './compliance.module';
export { ComplianceRequests } from './compliance-requests.service';
export { ComplianceRequestCompletedEvent } from './events/compliance.events';
