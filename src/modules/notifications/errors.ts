import { defineErrors } from '../../common/errors';

/** Error codes of the notifications context: notifications, rules, super-admin alerts (docs/adr/0014-error-code-catalog.md). */
export const NOTIFICATIONS_ERRORS = defineErrors('notifications', {
  notification_not_found: {
    status: 404,
    title: 'Notification not found',
    description: 'You have no notification with this id (another person’s notification is not found either).',
    example: { detail: 'Notification 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b not found.' },
  },
  notification_rule_not_found: {
    status: 404,
    title: 'Notification rule not found',
    description: 'The organisation has no notification rule with this id.',
    example: { detail: 'Notification rule 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b not found.' },
  },
  alert_rule_not_found: {
    status: 404,
    title: 'Alert rule not found',
    description: 'There is no super-admin alert rule with this id.',
    example: { detail: 'Alert rule 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b was not found.' },
  },
  alert_not_found: {
    status: 404,
    title: 'Alert not found',
    description: 'There is no alert with this id.',
    example: { detail: 'Alert 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b was not found.' },
  },
});

type NotificationsErrors = typeof NOTIFICATIONS_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends NotificationsErrors {}
}
