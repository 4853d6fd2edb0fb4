import { Process, Processor } from '@nestjs/bull';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Job } from 'bull';
import { UnitOfWork } from '../../../common/events';
import { AuditService } from '../../audit';
import { BILLING_QUEUE } from '../billing-lifecycle.processor';
import { MrrRebuildService } from './mrr-rebuild.service';
import { MrrRebuildResultDto } from './revenue.dto';

/** Job name of the MRR rebuild on the billing queue. */
export const MRR_REBUILD_JOB = 'mrr-rebuild';

/**
 * Runs the MRR rebuild as a Bull job on the billing queue (`queue.add('mrr-rebuild', { dryRun })`),
 * for platforms where it outgrows a request: one transaction, with its audit row (channel job).
 */
@Processor(BILLING_QUEUE)
export class MrrRebuildProcessor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly rebuilds: MrrRebuildService,
    private readonly audit: AuditService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  @Process(MRR_REBUILD_JOB)
  run(job: Pick<Job<{ dryRun?: boolean; tenantId?: string }>, 'data'>): Promise<MrrRebuildResultDto> {
    return this.uow.run(async () => {
      const result = await this.rebuilds.rebuild({ dryRun: job.data.dryRun ?? true, tenantId: job.data.tenantId });
      const { differences: _list, ...counts } = result;
      await this.audit.record({ channel: 'job', action: 'revenue.rebuild', module: 'billing', resourceType: 'mrr_movement', resourceId: null, tenantId: null, changes: counts }, this.txHost.tx);
      return result;
    });
  }
}
