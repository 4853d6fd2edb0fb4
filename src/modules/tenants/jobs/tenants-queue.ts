/** Bull queue of the tenants context. */
export const TENANTS_QUEUE = 'tenants';
/** Job that purges a deleted tenant's data once its grace period is over. */
export const PURGE_JOB = 'purge';

/** Data of a purge job. */
export interface PurgeJobData {
  tenantId: string;
  /** ISO time of the deletion the job belongs to. */
  deletedAt: string;
}

/**
 * Job id of the purge of one deletion: the same deletion always maps to the same id, so
 * re-dispatching tenant.deleted (or rebuilding at boot) never schedules it twice, while a
 * later deletion of the same tenant gets its own job.
 */
export const purgeJobId = (tenantId: string, deletedAt: Date): string => `purge:${tenantId}:${deletedAt.getTime()}`;
