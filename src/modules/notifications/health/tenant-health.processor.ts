import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { TenantHealthService } from './tenant-health.service';

/** Bull queue of tenant health. */
export const HEALTH_QUEUE = 'tenant-health';

/** The daily health snapshot of every tenant (02:30 UTC), once per cluster. */
@Processor(HEALTH_QUEUE)
export class TenantHealthProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(HEALTH_QUEUE) private readonly queue: Queue,
    private readonly health: TenantHealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, 'snapshot', { cron: '30 2 * * *', tz: 'UTC' });
  }

  @Process('snapshot')
  snapshot(): Promise<number> {
    return this.health.snapshotAll();
  }
}
