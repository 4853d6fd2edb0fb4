import { Module } from '@nestjs/common';
import { JobQueries } from './job-queries.service';
import { JobsController } from './jobs.controller';

/** The staff jobs API over the job mechanism (common/jobs). */
@Module({ controllers: [JobsController], providers: [JobQueries] })
export class JobsApiModule {}
