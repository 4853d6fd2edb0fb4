import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { DeliveryJob, WEBHOOKS_QUEUE, WebhookDelivery } from './webhook-delivery.service';

/** Concurrent attempts per instance: they wait on the network, not the CPU. */
export const DELIVERY_CONCURRENCY = 100;
/** Seconds between sweeps for stale leases and lost enqueues. */
export const SWEEP_EVERY_SECONDS = 30;

/**
 * Webhook jobs: message attempts (`deliver`, {@link DELIVERY_CONCURRENCY} at once per instance), the sweep that reclaims stale leases and lost enqueues (every
 * 30 s) and the prune of the 30-day delivery log (05:15 UTC); schedules once per cluster.
 */
@Processor(WEBHOOKS_QUEUE)
export class WebhooksProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhooksProcessor.name);

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly delivery: WebhookDelivery,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, 'sweep', { every: SWEEP_EVERY_SECONDS * 1000 });
    await scheduleRepeatable(this.queue, 'prune', { cron: '15 5 * * *', tz: 'UTC' });
  }

  @Process({ name: 'deliver', concurrency: DELIVERY_CONCURRENCY })
  deliver(job: Job<DeliveryJob>): Promise<'sent' | 'skipped' | 'postponed'> {
    return this.delivery.attempt(job.data.messageId);
  }

  @Process('sweep')
  async sweep(): Promise<number> {
    const n = await this.delivery.sweep();
    if (n) this.logger.warn(`webhook sweep re-queued ${n} message(s) (stale lease or lost enqueue)`);
    return n;
  }

  @Process('prune')
  prune(): Promise<number> {
    return this.delivery.prune();
  }
}
