import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../../common/errors';
import { Page, toPage } from '../../../common/http';
import { JobDto, JobItem, JobItemDto, JobItemListQueryDto, JobListQueryDto, JobRecord, toJobDto, toJobItemDto } from '../../../common/jobs';

/**
 * Staff read model of job records: every tenant's and the platform's (the jobs API is staff-only;
 * tenant routes read their own jobs through a tenant-scoped repository).
 */
@Injectable()
export class JobQueries {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Newest first, filtered by type, status and tenant. */
  async list(query: JobListQueryDto): Promise<Page<JobDto>> {
    const where = { ...(query.type ? { type: query.type } : {}), ...(query.status ? { status: query.status } : {}), ...(query.tenantId ? { tenantId: query.tenantId } : {}) };
    const [rows, total] = await this.txHost.tx.getRepository(JobRecord).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toJobDto), total, query);
  }

  /** One job. @throws NotFoundError `job_not_found` */
  async get(jobId: string): Promise<JobDto> {
    const row = await this.txHost.tx.getRepository(JobRecord).findOneBy({ id: jobId });
    if (!row) throw new NotFoundError('Job', jobId);
    return toJobDto(row);
  }

  /** A job's per-item results in request order. @throws NotFoundError `job_not_found` */
  async items(jobId: string, query: JobItemListQueryDto): Promise<Page<JobItemDto>> {
    await this.get(jobId);
    const [rows, total] = await this.txHost.tx
      .getRepository(JobItem)
      .findAndCount({ where: { jobId, ...(query.outcome ? { outcome: query.outcome } : {}) }, order: { seq: 'ASC', id: 'ASC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toJobItemDto), total, query);
  }
}
