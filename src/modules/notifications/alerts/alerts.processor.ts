import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { scheduleRepeatable } from '../../../common/jobs';
import { AlertEvaluator } from './alert-evaluator';

import { ALERTS_QUEUE, EVALUATE_RULE_JOB } from './alerts-queue';

export { ALERTS_QUEUE } from './alerts-queue';

/** The time-based evaluation of alert rules every five minutes, once per cluster, and of a rule right after it was saved. */
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

  @Process(EVALUATE_RULE_JOB)
  evaluateRule(job: Job<{ ruleId: string }>): Promise<boolean> {
    return this.evaluator.evaluateRuleById(job.data.ruleId);
  }
}
