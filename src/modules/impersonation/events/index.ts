/** Public event surface of impersonation (depends on common/ only; importable by any context). */
export { ImpersonationEndedEvent, type ImpersonationPayload, ImpersonationStartedEvent } from './impersonation.events';
