import { AppError } from '../../common/errors';
import type { QuotaMetric } from './entities/plan.entity';

/**
 * 402 `quota_exceeded` with `{ metric, limit, used }` (issue 3 §1): creating one more metered
 * resource would pass the tenant's effective limit.
 */
export class QuotaExceededError extends AppError {
  constructor(metric: QuotaMetric, limit: number, used: number) {
    super('quota_exceeded', 402, `Your plan allows ${limit} ${metric}; ${used} are in use. Upgrade the plan or free one up.`, { metric, limit, used });
  }
}
