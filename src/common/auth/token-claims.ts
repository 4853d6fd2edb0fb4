import { UnauthorizedError } from '../errors/app-error';

/** `typ` header of access tokens (RFC 9068 §2.1; RFC 8725 §3.11 explicit typing). */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** The only accepted signing algorithm (RFC 8725 §3.1). */
export const ACCESS_TOKEN_ALG = 'HS256';

/** Claims of an access token issued by this service. */
export interface AccessTokenClaims {
  sub: string;
  /** `service`: a product-module service (OAuth 2.0 client credentials), no tenant, no email. */
  kind: 'platform' | 'tenant' | 'service';
  role: string;
  tenantId: string | null;
  email: string;
  jti: string;
  /** RFC 8693 §4.1 actor claim: the staff member acting as `sub`. */
  act?: { sub: string };
  /** Impersonation session id. */
  sid?: string;
  /** Refresh token family (one login), so logout can revoke its access tokens. */
  fid?: string;
  /** A service token's granted scopes, space-separated (RFC 9068 §2.2.3, RFC 6749 §3.3). */
  scope?: string;
  /** A service token's OAuth client id (RFC 9068 §2.2). */
  client_id?: string;
  iat?: number;
  exp?: number;
  iss?: string;
  aud?: string | string[];
}

/** A decoded JWT (JOSE header and claims) whose signature has been verified, before its claims are. */
export interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** An access token that passed {@link assertAccessToken}: `iat` and `exp` are finite NumericDates. */
export interface CompleteAccessToken {
  header: { alg: typeof ACCESS_TOKEN_ALG; typ: typeof ACCESS_TOKEN_TYP };
  payload: AccessTokenClaims & { iat: number; exp: number };
}

/** What {@link assertAccessToken} measures a token against; all in seconds. */
export interface AccessTokenLimits {
  /** Current time, seconds since the epoch (may be fractional). */
  nowSeconds: number;
  /** Leeway for clock skew on a future `iat` (JWT_CLOCK_TOLERANCE_SECONDS). */
  clockToleranceSeconds: number;
  /**
   * Oldest `iat` accepted, as an age: a token is refused once it is older than any revocation
   * that could cover it lasts (revocationTtlSeconds), whatever its `exp` says.
   */
  maxAgeSeconds: number;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Checks the JOSE header and claims of an access token whose signature, `alg` allow-list,
 * `iss`, `aud` and expiry the JWT library has already verified — the rules that library leaves
 * out:
 * - `typ` is `at+jwt` and `alg` HS256 (RFC 8725 §3.11, §3.1);
 * - no `crit` header at all: this service understands no JWS extension, and a recipient must
 *   reject a token whose `crit` it does not understand; an empty list is itself invalid
 *   (RFC 7515 §4.1.11);
 * - `exp` present and a finite number (RFC 7519 §4.1.4; JSON `1e400` parses to Infinity);
 * - `iat` present, a finite number, not later than now + leeway, and not older than
 *   `maxAgeSeconds` (RFC 7519 §4.1.6; revocation up to an instant compares it, so a missing or
 *   non-numeric `iat` would escape revocation);
 * - `sub` and `jti` non-empty strings, `kind` platform|tenant|service, a tenant token names its
 *   tenant, a service token its client id and scopes and no tenant.
 * @throws UnauthorizedError `invalid_token` naming the first flaw found
 */
export function assertAccessToken(token: DecodedToken, limits: AccessTokenLimits): asserts token is DecodedToken & CompleteAccessToken {
  const { header, payload } = token;
  const reject = (detail: string): never => {
    throw new UnauthorizedError(detail, 'invalid_token');
  };
  if (header.typ !== ACCESS_TOKEN_TYP || header.alg !== ACCESS_TOKEN_ALG) reject('The token is not an access token.');
  if (Object.hasOwn(header, 'crit')) reject('The token names critical header extensions this service does not support.');
  if (!isFiniteNumber(payload.exp)) reject('The token has no valid expiry.');
  const { iat } = payload;
  if (!isFiniteNumber(iat)) reject('The token has no valid issue time.');
  const age = limits.nowSeconds - (iat as number);
  if (age < -limits.clockToleranceSeconds) reject('The token is issued in the future.');
  if (age > limits.maxAgeSeconds) reject('The token is too old.');
  if (!isNonEmptyString(payload.sub) || !isNonEmptyString(payload.jti) || (payload.kind !== 'platform' && payload.kind !== 'tenant' && payload.kind !== 'service')) {
    reject('The token is missing required claims.');
  }
  if (payload.kind === 'tenant' && !isNonEmptyString(payload.tenantId)) reject('The token is missing required claims.');
  if (payload.kind === 'service' && (!isNonEmptyString(payload.client_id) || typeof payload.scope !== 'string' || (payload.tenantId !== null && payload.tenantId !== undefined))) {
    reject('The token is missing required claims.');
  }
}
