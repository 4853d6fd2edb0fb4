import { applyDecorators, ArgumentMetadata, Injectable, PipeTransform, SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ApiProblems } from '../../common/http';
import type { QuotaMetric } from './entities/plan.entity';
import { QuotaExceededError } from './quota.errors';
import { QuotaService } from './quota.service';

export const ENFORCE_QUOTA = 'quota:metric';

/**
 * Marks a route that creates one metered resource of `metric`: the global QuotaPrecheckPipe
 * pre-checks it once the body has passed validation (402 `quota_exceeded` when nothing is left),
 * and the creating service reserves atomically. The route must take a `@Body()` argument — the
 * pre-check runs on it — or the class fails to load with an error naming the route.
 */
export const EnforceQuota = (metric: QuotaMetric): MethodDecorator => {
  const apply = applyDecorators(SetMetadata(ENFORCE_QUOTA, metric), ApiProblems(402));
  return (target, key, descriptor) => {
    // Parameter decorators are applied before method decorators, so the arguments are known here.
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {}) as Record<string, unknown>;
    if (!Object.keys(args).some((k) => k.startsWith(`${RouteParamtypes.BODY}:`))) {
      throw new Error(`@EnforceQuota('${metric}') on ${target.constructor.name}.${String(key)} needs a @Body() argument: its pre-check runs after the body's validation`);
    }
    return apply(target, key, descriptor);
  };
};

/**
 * Global pipe registered after the ValidationPipe (CONVENTIONS §4, docs/adr/0012): on the body
 * argument of an `@EnforceQuota(metric)` route called by a tenant user, answers 402
 * `quota_exceeded` `{ metric, limit, used }` when the tenant's allowance of `metric` is used up.
 * Running as a pipe puts the answer after validation, so a malformed body is a 400 even at the
 * limit. Other arguments' pipes (path ids) do no I/O, so their 400 settles before this pipe's
 * query returns. It is only a friendly early answer: the authoritative, race-safe check is the
 * service's atomic reservation inside the request's transaction (this read runs outside it). Routes without the decorator
 * (every read) cost no query here.
 * @throws QuotaExceededError when `remaining` is 0 (or below, after a limit was lowered).
 */
@Injectable()
export class QuotaPrecheckPipe implements PipeTransform {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly quotas: QuotaService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return value;
    const route = this.context.route;
    const metric = route && this.reflector.get<QuotaMetric | undefined>(ENFORCE_QUOTA, route.handler);
    if (!metric) return value;
    const actor = this.context.actor;
    if (actor.type !== 'tenant' || !actor.tenantId) return value;
    const tenantId = actor.tenantId;
    // Outside the request's transaction, which begins with its first statement: the creating
    // service hashes a password before it, and a read here would hold the transaction open.
    const allowance = await this.txHost.withoutTransaction(() => this.quotas.allowance(tenantId, metric));
    if (allowance.remaining !== null && allowance.remaining <= 0) {
      throw new QuotaExceededError(metric, allowance.limit ?? 0, allowance.used);
    }
    return value;
  }
}
