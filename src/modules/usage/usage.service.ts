import { Injectable } from '@nestjs/common';

/** Job type of a staff-requested recount of one tenant's usage (a job record, GET /api/v1/admin/jobs/{jobId}). */
export const USAGE_RECALCULATION_JOB = 'usage.recalculate';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Between } from 'typeorm';
import { RequestContext } from '../../common/context';
import { ValidationError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { Jobs } from '../../common/jobs';
import { Clock } from '../../common/time';
import { periodOf } from '../plans';
import { RecalculationJobDto, UsageDto, UsageHistoryDto, UsageHistoryQueryDto } from './dto/usage.dto';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { UsageRecalculationRequestedEvent } from './events/usage.events';
import { toUsageValues, UsageCounters } from './usage-counters.service';

const DAY_MS = 86_400_000;
/** Longest history range one request may ask for, in days. */
export const MAX_HISTORY_DAYS = 366;

/** Usage reads (current, history) and recount requests. */
@Injectable()
export class UsageService {
  constructor(
    private readonly counters: UsageCounters,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
  ) {}

  /** Every metric in its current period, in one query. @throws NotFoundError when the tenant has no usage account. */
  async current(tenantId: string): Promise<UsageDto> {
    const u = await this.counters.get(tenantId);
    const period = periodOf('automationsPerMonth', this.clock.now());
    return {
      tenantId,
      ...u.values,
      lastCalculatedAt: u.lastCalculatedAt?.toISOString() ?? null,
      currentPeriod: { start: period.start, end: period.end!, basis: 'calendar_month_utc' },
    };
  }

  /** Daily snapshots between two UTC days (inclusive). @throws ValidationError on a bad range. */
  async history(tenantId: string, query: UsageHistoryQueryDto): Promise<UsageHistoryDto> {
    await this.counters.get(tenantId);
    const to = query.to ?? this.clock.now().toISOString().slice(0, 10);
    const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      if (Number.isNaN(Date.parse(value)) || new Date(value).toISOString().slice(0, 10) !== value) {
        throw new ValidationError([{ field, message: `${field} is not a calendar date` }]);
      }
    }
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    if (days < 0) throw new ValidationError([{ field: 'from', message: 'from must not be after to' }]);
    if (days >= MAX_HISTORY_DAYS) throw new ValidationError([{ field: 'from', message: `the range may span at most ${MAX_HISTORY_DAYS} days` }]);
    const rows = await this.txHost.tx.getRepository(TenantUsageSnapshot).find({ where: { tenantId, day: Between(from, to) }, order: { day: 'ASC' } });
    return {
      data: rows.map((r) => ({ day: r.day, ...toUsageValues(Object.entries(r.counters).map(([metric, value]) => ({ metric, value }))) })),
      meta: { from, to },
    };
  }

  /** Queues a recount of one tenant (after commit, by a listener); returns the job id. */
  async requestRecalculation(tenantId: string): Promise<RecalculationJobDto> {
    await this.counters.get(tenantId);
    const job = await this.jobs.enqueue({ type: USAGE_RECALCULATION_JOB, tenantId, params: { tenantId }, total: 1 });
    await this.events.publish(new UsageRecalculationRequestedEvent(tenantId, { requestedBy: this.context.actor.id }));
    this.context.noteAudit({ tenantId, resourceId: tenantId, metadata: { jobId: job.id } });
    return { jobId: job.id, tenantId };
  }
}
