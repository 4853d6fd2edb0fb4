import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { UnitOfWork } from '../events/unit-of-work';

/** HTTP methods that change state: each request with one runs in one transaction and is audited (CONVENTIONS §4). */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Global, outermost interceptor (CONVENTIONS §4, docs/adr/0015): every POST/PUT/PATCH/DELETE
 * handler, and every interceptor registered after this one (the audit trail's, a route's
 * idempotency key), runs in one {@link UnitOfWork}: the change, its audit rows, its idempotency
 * record and its outbox events commit together or not at all; events are dispatched after commit.
 * An error of the handler, of an inner interceptor or of the commit itself rolls everything back
 * and reaches the problem filter. Reads pass through untouched (no transaction, no query).
 * There is no opt-out: a route that ever needs one gets an explicit, greppable decorator here.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(private readonly uow: UnitOfWork) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!MUTATING_METHODS.has(req.method)) return next.handle();
    return from(this.uow.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
