/** `typ` header of access tokens (RFC 9068 §2.1; RFC 8725 §3.11 explicit typing). */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** The only accepted signing algorithm (RFC 8725 §3.1). */
export const ACCESS_TOKEN_ALG = 'HS256';

/** Claims of an access token issued by this service. */
export interface AccessTokenClaims {
  sub: string;
  kind: 'platform' | 'tenant';
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
  iat?: number;
  exp?: number;
  iss?: string;
  aud?: string | string[];
}
