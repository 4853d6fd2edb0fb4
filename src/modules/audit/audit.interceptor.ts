import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request } from 'express';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { RouteRef } from '../../common/context';
import { MUTATING_METHODS } from '../../common/http';
import { AuditService } from './audit.service';

/**
 * Global interceptor, registered right inside the TransactionInterceptor (CONVENTIONS §4,
 * docs/adr/0015): it records a POST/PUT/PATCH/DELETE handler's success row into the request's
 * running transaction, after the handler and before the commit, so no change exists without
 * its row. It owns no transaction: an audited mutating request that reaches it outside one is
 * refused (an error, hence a 500 and a failure row) before its handler runs, since its row
 * could then not commit with its change. Failures are recorded by the problem filter after the
 * rollback. Reads pass through untouched (no query).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!MUTATING_METHODS.has(req.method)) return next.handle();
    const route: RouteRef = { controller: ctx.getClass(), handler: ctx.getHandler() as RouteRef['handler'] };
    if (this.audit.isSkipped(route)) return next.handle();
    return defer(async () => {
      if (!this.txHost.isTransactionActive()) {
        throw new Error(`${req.method} ${req.path} reached the audit trail outside a transaction: the TransactionInterceptor must run first`);
      }
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.audit.recordSuccess(req, route, result);
      return result;
    });
  }
}
