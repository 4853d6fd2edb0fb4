import { defineErrors } from '../../common/errors';

/** Error codes of the integrations context: partners and their API keys, webhook endpoints and messages (docs/adr/0014-error-code-catalog.md). */
export const PARTNER_ERRORS = defineErrors('integrations', {
  partner_not_found: {
    status: 404,
    title: 'Partner not found',
    description: 'The signed-in tenant has no partner with this id.',
    example: { detail: 'Partner 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b not found.' },
  },
  api_key_not_found: {
    status: 404,
    title: 'API key not found',
    description: 'The partner has no API key with this id.',
    example: { detail: 'Api key 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b not found.' },
  },
  partner_inactive: {
    status: 409,
    family: 'conflict',
    title: 'Partner inactive',
    description: 'The partner is deactivated: it gets no new key until a tenant admin activates it again.',
    example: { detail: 'Partner Acme Analytics is inactive; activate it first.' },
  },
  api_key_revoked: {
    status: 409,
    family: 'conflict',
    title: 'API key revoked',
    description: 'The key was revoked (or has expired): it cannot be rotated. Create a new key.',
    example: { detail: 'The API key cpk_live_4fG7hK2mQ9xZ is revoked.' },
  },
  webhook_endpoint_not_found: {
    status: 404,
    title: 'Webhook endpoint not found',
    description: 'The caller has no webhook endpoint with this id (a tenant sees only its own; staff see platform webhooks).',
    example: { detail: 'Webhook endpoint 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b was not found.' },
  },
  webhook_message_not_found: {
    status: 404,
    title: 'Webhook message not found',
    description: 'The endpoint has no message with this id.',
    example: { detail: 'Webhook message 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b was not found.' },
  },
  webhook_endpoint_disabled: {
    status: 409,
    family: 'conflict',
    title: 'Webhook endpoint disabled',
    description: 'The endpoint is disabled (by a person, a 410 Gone, or days of failures): enable it before sending to it.',
    example: { detail: 'Webhook endpoint 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b is disabled (gone); enable it first.' },
  },
  webhook_message_in_flight: {
    status: 409,
    family: 'conflict',
    title: 'Webhook message in flight',
    description: 'An attempt of this message is running; retry it once the attempt has finished.',
    example: { detail: 'Webhook message 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b is being delivered.' },
  },
});

type PartnerErrors = typeof PARTNER_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends PartnerErrors {}
}
