import type { Actor } from '../context/request-context';

/** The request header that carries a partner API key. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * Port: turns a partner API key (the `X-Api-Key` header) into the request's actor of type
 * `partner` — tenant, partner id (`id`), key id (`clientId`), scopes, the tenant's suspension —
 * or throws UnauthorizedError `invalid_api_key` for an unknown, revoked, expired or
 * deactivated-partner key. The integrations context provides the adapter; without one, every key
 * is refused.
 */
export abstract class ApiKeyAuthenticator {
  abstract authenticate(key: string): Promise<Actor>;
}
