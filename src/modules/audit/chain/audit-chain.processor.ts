import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { AuditChainService } from './audit-chain.service';

/** Bull queue of the audit context's housekeeping. */
export const AUDIT_QUEUE = 'audit';
/** The job that publishes the audit chains' heads. */
export const PUBLISH_HEADS_JOB = 'publish-chain-heads';

/** Publishes the head of every audit hash chain daily at 00:05 UTC, once per cluster (docs/adr/0029). */
@Processor(AUDIT_QUEUE)
export class AuditChainProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(AUDIT_QUEUE) private readonly queue: Queue,
    private readonly chains: AuditChainService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, PUBLISH_HEADS_JOB, { cron: '5 0 * * *', tz: 'UTC' });
  }

  @Process(PUBLISH_HEADS_JOB)
  publish(): Promise<number> {
    return this.chains.publishHeads();
  }
}
