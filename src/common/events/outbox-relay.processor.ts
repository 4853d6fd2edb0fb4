import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, AppConfig } from '../../config';
import { scheduleRepeatable } from '../jobs/schedule';
import { OutboxRelay } from './outbox-relay';

/** Bull queue of the outbox relay; a repeatable job runs it once per cluster (CONVENTIONS §9). */
export const OUTBOX_QUEUE = 'outbox';
const RELAY_JOB = 'relay';
const PRUNE_JOB = 'prune';

/** Schedules and runs the outbox relay, and a daily prune of old dispatched rows, as Bull repeatable jobs. */
@Processor(OUTBOX_QUEUE)
export class OutboxRelayProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelayProcessor.name);

  constructor(
    @InjectQueue(OUTBOX_QUEUE) private readonly queue: Queue,
    private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Same repeat key on every instance: Bull keeps one schedule for the cluster.
    await scheduleRepeatable(this.queue, RELAY_JOB, { every: this.config.outboxRelayIntervalMs }, { removeOnComplete: 1, removeOnFail: 100 });
    await scheduleRepeatable(this.queue, PRUNE_JOB, { cron: '30 4 * * *', tz: 'UTC' });
  }

  @Process(PRUNE_JOB)
  async prune(): Promise<{ outbox: number; inbox: number }> {
    return this.relay.prune();
  }

  @Process(RELAY_JOB)
  async handle(): Promise<number> {
    try {
      return await this.relay.drain();
    } catch (err) {
      this.logger.error(`outbox relay failed: ${(err as Error).message}`);
      throw err;
    }
  }
}
