import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config';
import { Actor } from '../context/request-context';
import { UnauthorizedError } from '../errors/app-error';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, AccessTokenClaims } from './token-claims';
import { TokenRevocations } from './token-revocations';

interface CompleteToken {
  header: { alg: string; typ?: string };
  payload: AccessTokenClaims;
}

/**
 * Verifies bearer access tokens per RFC 8725: one algorithm (HS256), `iss`, `aud` and the
 * `typ` header (`at+jwt`) checked, expiry enforced; then consults {@link TokenRevocations}.
 * Produces the request's {@link Actor}. @throws UnauthorizedError
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
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
      jsonWebTokenOptions: { complete: true, clockTolerance: 5 },
    });
  }

  async validate(token: CompleteToken): Promise<Actor> {
    const { header, payload } = token;
    if (header.typ !== ACCESS_TOKEN_TYP || header.alg !== ACCESS_TOKEN_ALG) {
      throw new UnauthorizedError('The token is not an access token.', 'invalid_token');
    }
    if (!payload.sub || !payload.jti || (payload.kind !== 'platform' && payload.kind !== 'tenant')) {
      throw new UnauthorizedError('The token is missing required claims.', 'invalid_token');
    }
    if (payload.kind === 'tenant' && !payload.tenantId) {
      throw new UnauthorizedError('The token is missing required claims.', 'invalid_token');
    }
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
    };
  }
}
