import { defineErrors } from '../../common/errors';

/** Error codes of plans and quotas (docs/adr/0014-error-code-catalog.md). */
export const PLANS_ERRORS = defineErrors('plans', {
  quota_exceeded: {
    status: 402,
    family: 'quota',
    defaultForStatus: true,
    title: 'Quota exceeded',
    description: 'Creating one more metered resource would pass the tenant’s effective limit of `metric` (`limit`, with `used` in use). Upgrade the plan, raise the override, or free one up.',
    example: { detail: 'Your plan allows 5 members; 5 are in use. Upgrade the plan or free one up.', metric: 'members', limit: 5, used: 5 },
  },
  plan_not_found: {
    status: 404,
    title: 'Plan not found',
    description: 'No plan has this id.',
    example: { detail: 'Plan 7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f was not found.' },
  },
  plan_code_taken: {
    status: 409,
    family: 'conflict',
    title: 'Plan code already taken',
    description: 'Another plan has this code. `field` names the request field.',
    example: { detail: 'A plan with code growth already exists.', field: 'code' },
  },
  plan_unavailable: {
    status: 422,
    family: 'unprocessable',
    title: 'Plan unavailable',
    description: 'No active plan has this code (it does not exist or was deactivated). `field` names the request field.',
    example: { detail: 'Plan legacy does not exist or is not active.', field: 'planCode' },
  },
  module_not_found: {
    status: 404,
    title: 'Module not found',
    description: 'No module of the catalog has this id (or code, on tenant routes that name a module by its code).',
    example: { detail: 'Module 7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f was not found.' },
  },
  module_code_taken: {
    status: 409,
    family: 'conflict',
    title: 'Module code already taken',
    description: 'Another module of the catalog has this code. `field` names the request field.',
    example: { detail: 'A module with code crm already exists.', field: 'code' },
  },
  unknown_module: {
    status: 422,
    family: 'unprocessable',
    title: 'Unknown module',
    description: 'A module code in the request is not in the module catalog (GET /api/v1/admin/modules). `field` names the request field.',
    example: { detail: 'Module seo is not in the catalog.', field: 'features.seo' },
  },
});

type PlansErrors = typeof PLANS_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends PlansErrors {}
}
