import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../common/jobs';
import { APP_CONFIG, AppConfig } from '../../config';
import { BillingLifecycleService, LifecycleRunResult } from './billing-lifecycle.service';

import { BILLING_QUEUE } from './billing-queue';

export { BILLING_QUEUE };

/** Runs the billing lifecycle (trial reminders and ends, period rollovers) every BILLING_LIFECYCLE_INTERVAL_MS, once per cluster. */
@Processor(BILLING_QUEUE)
export class BillingLifecycleProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(BILLING_QUEUE) private readonly queue: Queue,
    private readonly lifecycle: BillingLifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, 'lifecycle', { every: this.config.billingLifecycleIntervalMs });
  }

  @Process('lifecycle')
  run(): Promise<LifecycleRunResult> {
    return this.lifecycle.runDue();
  }
}
