import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { ExportsService } from './exports.service';

/** Bull queue of the export housekeeping. */
export const EXPORTS_QUEUE = 'exports';
const PURGE_JOB = 'purge';

/** Purges expired export files hourly, once per cluster. */
@Processor(EXPORTS_QUEUE)
export class ExportsPurgeProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue,
    private readonly exportsService: ExportsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, PURGE_JOB, { cron: '17 * * * *', tz: 'UTC' });
  }

  @Process(PURGE_JOB)
  async purge(): Promise<number> {
    return this.exportsService.purgeExpired();
  }
}
