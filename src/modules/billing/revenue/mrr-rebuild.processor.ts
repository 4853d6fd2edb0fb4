import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Job, Queue } from 'bull';
import { UnitOfWork } from '../../../common/events';
import { scheduleRepeatable } from '../../../common/jobs';
import { AuditService } from '../../audit';
import { BILLING_QUEUE } from '../billing-lifecycle.processor';
import { MrrRebuildService } from './mrr-rebuild.service';
import { MrrRollupService } from './mrr-rollup.service';
import { MrrRebuildResultDto } from './revenue.dto';

/** Job name of the MRR rebuild on the billing queue. */
export const MRR_REBUILD_JOB = 'mrr-rebuild';
/** Job name of the monthly MRR rollup on the billing queue. */
export const MRR_ROLLUP_JOB = 'mrr-rollup';
/** When the rollup runs (UTC): daily, so a month is summed on the first day after it closes. */
const MRR_ROLLUP_CRON = '15 0 * * *';

/**
 * The revenue jobs of the billing queue: the MRR rebuild (`queue.add('mrr-rebuild', { dryRun,
 * tenantId? })`), for platforms where it outgrows a request — one transaction with its audit row
 * (channel job) — and the daily rollup of closed months (`mrr-rollup`, one schedule per cluster).
 */
@Processor(BILLING_QUEUE)
export class MrrRebuildProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(BILLING_QUEUE) private readonly queue: Queue,
    private readonly uow: UnitOfWork,
    private readonly rebuilds: MrrRebuildService,
    private readonly rollup: MrrRollupService,
    private readonly audit: AuditService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, MRR_ROLLUP_JOB, { cron: MRR_ROLLUP_CRON, tz: 'UTC' });
  }

  @Process(MRR_REBUILD_JOB)
  run(job: Pick<Job<{ dryRun?: boolean; tenantId?: string }>, 'data'>): Promise<MrrRebuildResultDto> {
    return this.uow.run(async () => {
      const result = await this.rebuilds.rebuild({ dryRun: job.data.dryRun ?? true, tenantId: job.data.tenantId });
      const { differences: _list, ...counts } = result;
      await this.audit.record({ channel: 'job', action: 'revenue.rebuild', module: 'billing', resourceType: 'mrr_movement', resourceId: null, tenantId: null, changes: counts }, this.txHost.tx);
      return result;
    });
  }

  @Process(MRR_ROLLUP_JOB)
  rollUp(): Promise<{ closedUntil: Date }> {
    return this.uow.run(() => this.rollup.rollUp());
  }
}
