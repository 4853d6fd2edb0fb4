import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { AlertEvaluator } from './alert-evaluator';

/** Bull queue of super-admin alerts. */
export const ALERTS_QUEUE = 'alerts';

/** The time-based evaluation of alert rules every five minutes, once per cluster. */
@Processor(ALERTS_QUEUE)
export class AlertsProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(ALERTS_QUEUE) private readonly queue: Queue,
    private readonly evaluator: AlertEvaluator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, 'evaluate', { every: 5 * 60_000 });
  }

  @Process('evaluate')
  evaluate(): Promise<number> {
    return this.evaluator.evaluateAll();
  }
}
