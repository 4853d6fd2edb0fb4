import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { TenantLifecycleService } from '../tenant-lifecycle.service';
import { PURGE_JOB, PurgeJobData, TENANTS_QUEUE } from './tenants-queue';

/** Runs the delayed purge of a deleted tenant (scheduled by the tenant.deleted listener). */
@Processor(TENANTS_QUEUE)
export class TenantPurgeProcessor {
  constructor(private readonly lifecycle: TenantLifecycleService) {}

  /** Returns whether the tenant was purged (false: restored, already purged or not yet due). */
  @Process(PURGE_JOB)
  handle(job: Job<PurgeJobData>): Promise<boolean> {
    return this.lifecycle.purge(job.data.tenantId);
  }
}
