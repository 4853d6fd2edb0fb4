export { IMPERSONATION_ERRORS } from './errors';
export { ImpersonationModule } from './impersonation.module';
export { ImpersonationStartedEvent, ImpersonationEndedEvent } from './events/impersonation.events';
