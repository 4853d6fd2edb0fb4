import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { BILLING_QUEUE, COLLECT_JOB } from '../billing-queue';
import { PaymentCollectionService } from './payment-collection.service';

/** Collects one pending payment through the gateway (job id `collect:<paymentId>`); retried with backoff while the gateway is unavailable. */
@Processor(BILLING_QUEUE)
export class PaymentCollectionProcessor {
  constructor(private readonly collection: PaymentCollectionService) {}

  @Process(COLLECT_JOB)
  run(job: Job<{ paymentId: string }>): Promise<string> {
    return this.collection.collect(job.data.paymentId);
  }
}
