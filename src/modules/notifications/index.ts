export { NOTIFICATIONS_ERRORS } from './errors';
export { NotificationsModule } from './notifications.module';
