import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config';
import { Actor } from '../context/request-context';
import { UnauthorizedError } from '../errors/app-error';
import { ACCESS_TOKEN_ALG, assertAccessToken, DecodedToken } from './token-claims';
import { JWT_CLOCK_TOLERANCE_SECONDS, revocationTtlSeconds } from './token-lifetimes';
import { TokenRevocations } from './token-revocations';

/**
 * Verifies bearer access tokens per RFC 8725 in two steps (docs/adr/0009): passport-jwt's
 * jsonwebtoken checks the signature with one algorithm (HS256), `iss`, `aud` and expiry, with
 * JWT_CLOCK_TOLERANCE_SECONDS of leeway; {@link assertAccessToken} then checks what jsonwebtoken
 * leaves out (`typ` at+jwt, no `crit`, a finite `exp`, a finite `iat` neither in the future
 * beyond the leeway nor older than a revocation lasts, required claims). Only then is
 * {@link TokenRevocations} consulted, so it always compares a real `iat`.
 * Produces the request's {@link Actor}. @throws UnauthorizedError `invalid_token` | `token_revoked`
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  /** Oldest token accepted, in seconds of age: no token outlives a revocation that covers it. */
  private readonly maxAgeSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly revocations: TokenRevocations,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not a string: jsonwebtoken otherwise tries createPublicKey() on every
      // verification and throws, which cost ~40 % of a request's CPU (bench/README.md).
      secretOrKey: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')) as unknown as string,
      algorithms: [ACCESS_TOKEN_ALG],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { complete: true, clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS },
    });
    this.maxAgeSeconds = revocationTtlSeconds(config.jwt.accessTtlSeconds);
  }

  /** Called by passport-jwt with the complete token once jsonwebtoken has verified it. */
  async validate(token: DecodedToken): Promise<Actor> {
    // The same wall clock the issuer and jsonwebtoken use (token lifetimes are real time).
    assertAccessToken(token, { nowSeconds: Date.now() / 1000, clockToleranceSeconds: JWT_CLOCK_TOLERANCE_SECONDS, maxAgeSeconds: this.maxAgeSeconds });
    const { payload } = token;
    const state = await this.revocations.inspect(payload);
    if (state.revoked) {
      throw new UnauthorizedError('The token has been revoked.', 'token_revoked');
    }
    return {
      type: payload.kind,
      id: payload.sub,
      email: payload.email ?? null,
      role: payload.role,
      tenantId: payload.kind === 'tenant' ? payload.tenantId : null,
      impersonatorId: payload.act?.sub ?? null,
      sessionId: payload.sid ?? null,
      familyId: payload.fid ?? null,
      tenantSuspended: state.tenantSuspended,
      tenantSuspendedByStaff: state.tenantSuspendedByStaff,
      moduleEntitlements: state.moduleEntitlements,
      ...(payload.kind === 'service' ? { clientId: payload.client_id, scopes: (payload.scope ?? '').split(' ').filter(Boolean), email: null, role: null } : {}),
    };
  }
}
