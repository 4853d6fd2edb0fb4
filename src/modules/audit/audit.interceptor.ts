import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { RouteRef } from '../../common/context';
import { UnitOfWork } from '../../common/events';
import { AuditService, MUTATING_METHODS } from './audit.service';

/**
 * Global interceptor (CONVENTIONS §4): every POST/PUT/PATCH/DELETE handler runs in one unit of
 * work, and its success audit row is written in that same transaction before commit, so no
 * change exists without its row. Failures are recorded by the problem filter after rollback.
 * Reads pass through untouched (no transaction, no query).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!MUTATING_METHODS.has(req.method)) return next.handle();
    const route: RouteRef = { controller: ctx.getClass(), handler: ctx.getHandler() as RouteRef['handler'] };
    const audited = !this.audit.isSkipped(route);
    return from(
      this.uow
        .run(async () => {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          if (audited) await this.audit.recordSuccess(req, route, result);
          return result;
        })
        .catch((err: unknown) => {
          // Whatever failed — the handler, the audit insert or the commit itself — the transaction
          // rolled back with any success row, so the problem filter must record the failure.
          this.audit.discardSuccess();
          throw err;
        }),
    );
  }
}
