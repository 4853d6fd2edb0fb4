import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../common/jobs';
import { ComplianceRequests } from './compliance-requests.service';

/** Bull queue of the compliance housekeeping. */
export const COMPLIANCE_QUEUE = 'compliance';
const SWEEP_JOB = 'sweep';

/** Every 5 minutes, once per cluster: expires erasures not approved within 48 hours, purges archives older than 7 days. */
@Processor(COMPLIANCE_QUEUE)
export class ComplianceSweepProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(COMPLIANCE_QUEUE) private readonly queue: Queue,
    private readonly requests: ComplianceRequests,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, SWEEP_JOB, { every: 300_000 });
  }

  @Process(SWEEP_JOB)
  async sweep(): Promise<{ expired: number; purged: number }> {
    return { expired: await this.requests.expireDue(), purged: await this.requests.purgeArchives() };
  }
}
