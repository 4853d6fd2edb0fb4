import { defineErrors } from '../../common/errors';

/** Error codes of the usage context (docs/adr/0014-error-code-catalog.md). */
export const USAGE_ERRORS = defineErrors('usage', {
  metric_not_reservable: {
    status: 422,
    family: 'unprocessable',
    title: 'Metric cannot be reserved',
    description: 'Services reserve and release only the levels a product module owns (projects, domains). Seats are counted by the control plane from its users; a period total (automation runs) is reported as usage events.',
    example: { detail: 'automationsPerMonth is a period total: report it as usage events.', field: 'metric' },
  },
});

type UsageErrors = typeof USAGE_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends UsageErrors {}
}
