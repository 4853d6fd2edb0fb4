import { MeteringService } from '../metering/metering.service';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { UnitOfWork } from '../../../common/events';
import { Jobs, scheduleRepeatable } from '../../../common/jobs';
import { USAGE_RECALCULATION_JOB } from '../usage.service';
import { UsageDrift, UsageRecalculationService } from '../usage-recalculation.service';

/** Bull queue of the usage context. */
export const USAGE_QUEUE = 'usage';

/**
 * Runs the recount a staff member asked for as a job record (`usage.recalculate`): progress,
 * retry and crash recovery come from the job mechanism; the result is the drift it corrected.
 */
@Injectable()
export class UsageRecalculationJob implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    private readonly recalculation: UsageRecalculationService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ tenantId: string }>(USAGE_RECALCULATION_JOB, {
      run: async (ctx) => {
        const drift = await this.recalculation.recalculate(ctx.params.tenantId);
        await ctx.checkpoint(1, 1);
        return { drift: drift as never };
      },
    });
  }
}

/**
 * Usage jobs: one tenant's recount, the nightly recount of every tenant (03:00 UTC), the
 * daily snapshot (00:05 UTC) and the prune of usage event dedupe keys (04:45 UTC). Repeatable jobs keep one schedule per cluster (CONVENTIONS §9).
 */
@Processor(USAGE_QUEUE)
export class UsageProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsageProcessor.name);

  constructor(
    @InjectQueue(USAGE_QUEUE) private readonly queue: Queue,
    private readonly recalculation: UsageRecalculationService,
    private readonly uow: UnitOfWork,
    private readonly metering: MeteringService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, 'recalculate-all', { cron: '0 3 * * *', tz: 'UTC' });
    await scheduleRepeatable(this.queue, 'snapshot', { cron: '5 0 * * *', tz: 'UTC' });
    await scheduleRepeatable(this.queue, 'prune-event-keys', { cron: '45 4 * * *', tz: 'UTC' });
  }

  /** Drops the usage events' dedupe keys past the acceptance window (36 days). */
  @Process('prune-event-keys')
  async pruneEventKeys(): Promise<number> {
    return this.uow.run(() => this.metering.pruneEventKeys());
  }

  @Process('recalculate')
  async recalculate(job: Job<{ tenantId: string }>): Promise<UsageDrift> {
    return this.recalculation.recalculate(job.data.tenantId);
  }

  @Process('recalculate-all')
  async recalculateAll(): Promise<number> {
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const cursor: string | null = after;
      const ids: string[] = await this.uow.run(() => this.recalculation.tenantIds(cursor, 500));
      if (!ids.length) break;
      for (const id of ids) await this.recalculation.recalculate(id);
      count += ids.length;
      after = ids[ids.length - 1];
    }
    this.logger.log(`nightly usage recount done for ${count} tenant(s)`);
    return count;
  }

  @Process('snapshot')
  async snapshot(): Promise<number> {
    return this.uow.run(() => this.recalculation.snapshotAll());
  }
}
