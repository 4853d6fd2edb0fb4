import { ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ClsService } from 'nestjs-cls';
import { Actor, RequestStore, RouteRef } from '../context/request-context';
import { AppError, UnauthorizedError } from '../errors/app-error';
import type { ErrorCodeWithStatus } from '../errors/error-catalog';
import { API_KEY_HEADER, ApiKeyAuthenticator } from './api-key-authenticator';
import { IS_PUBLIC } from './auth.decorators';

const REASONS: Record<string, [string, ErrorCodeWithStatus<401>]> = {
  'jwt expired': ['The access token has expired.', 'token_expired'],
  'No auth token': ['A bearer access token is required.', 'unauthorized'],
};

/**
 * First global guard: records the route in the request context, then authenticates the
 * bearer token (passport-jwt) — or a partner API key in `X-Api-Key`, through the
 * {@link ApiKeyAuthenticator} port — unless the route is `@Public()`. The actor lands in CLS.
 */
@Injectable()
export class AuthenticationGuard extends PassportAuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService<RequestStore>,
    @Optional() private readonly apiKeys?: ApiKeyAuthenticator,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Routes outside the /api/v1 prefix (health probes) run without a CLS context.
    if (this.cls.isActive()) this.cls.set('route', { controller: context.getClass(), handler: context.getHandler() as RouteRef['handler'] });
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const key = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[API_KEY_HEADER];
    if (key !== undefined) {
      // A partner API key: one credential per request, never a key and a token together.
      if (Array.isArray(key) || context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization !== undefined) {
        throw new UnauthorizedError('Send one credential: a bearer token or an X-Api-Key, not both.', 'invalid_api_key');
      }
      if (!this.apiKeys) throw new UnauthorizedError('The API key is not valid.', 'invalid_api_key');
      this.cls.set('actor', await this.apiKeys.authenticate(key));
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T = Actor>(err: unknown, actor: T | false, info: unknown): T {
    // A revocation store that cannot be asked is not a bad token: the error goes on to the
    // problem filter (503 dependency_unavailable), so a Redis restart signs nobody out.
    if (err) throw err instanceof AppError ? err : err instanceof Error ? err : new UnauthorizedError('Invalid access token.', 'invalid_token');
    if (!actor) {
      const message = info instanceof Error ? info.message : '';
      const [detail, code] = REASONS[message] ?? ['Invalid access token.', 'invalid_token'];
      throw new UnauthorizedError(detail, code);
    }
    this.cls.set('actor', actor as unknown as Actor);
    return actor;
  }
}
