import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { BILLING_QUEUE, COLLECT_JOB, REFUND_JOB } from '../billing-queue';
import { PaymentCollectionService } from './payment-collection.service';
import { RefundsService } from './refunds.service';

/**
 * Calls the gateway for one pending payment (`collect`, job id `collect:<paymentId>`) or refund
 * (`refund`, `refund:<refundId>`), after the transaction that recorded it committed; retried with
 * backoff while the gateway is unavailable.
 */
@Processor(BILLING_QUEUE)
export class PaymentCollectionProcessor {
  constructor(
    private readonly collection: PaymentCollectionService,
    private readonly refunds: RefundsService,
  ) {}

  @Process(COLLECT_JOB)
  run(job: Job<{ paymentId: string }>): Promise<string> {
    return this.collection.collect(job.data.paymentId);
  }

  @Process(REFUND_JOB)
  refund(job: Job<{ refundId: string }>): Promise<string> {
    return this.refunds.collect(job.data.refundId);
  }
}
