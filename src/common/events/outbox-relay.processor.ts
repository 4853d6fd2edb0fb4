import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG, AppConfig } from '../../config';
import { scheduleRepeatable } from '../jobs/schedule';
import { OutboxRelay } from './outbox-relay';

/** Bull queue of the outbox relay; a repeatable job runs it once per cluster (CONVENTIONS §9). */
export const OUTBOX_QUEUE = 'outbox';
const RELAY_JOB = 'relay';

/** Schedules and runs the outbox relay as a Bull repeatable job. */
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
