import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { scheduleRepeatable } from '../jobs/schedule';

/** Bull queue of idempotency-key maintenance. */
export const IDEMPOTENCY_QUEUE = 'idempotency';
const SWEEP_JOB = 'sweep-expired';
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const BATCH = 5000;

/**
 * Deletes expired `Idempotency-Key` rows hourly, as a Bull repeatable job so it runs once per
 * cluster (CONVENTIONS §9). Small batches keep each statement's locks short.
 */
@Processor(IDEMPOTENCY_QUEUE)
export class IdempotencyCleanupProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(IdempotencyCleanupProcessor.name);

  constructor(
    @InjectQueue(IDEMPOTENCY_QUEUE) private readonly queue: Queue,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, SWEEP_JOB, { every: SWEEP_EVERY_MS }, { removeOnComplete: 1, removeOnFail: 100 });
  }

  /** Returns how many expired keys were deleted. */
  @Process(SWEEP_JOB)
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const [, count]: [unknown[], number] = await this.dataSource.query(
        `DELETE FROM idempotency_keys WHERE (scope, key) IN (
           SELECT scope, key FROM idempotency_keys WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [BATCH],
      );
      total += count;
      if (count < BATCH) break;
    }
    if (total) this.logger.log(`deleted ${total} expired idempotency key(s)`);
    return total;
  }
}
