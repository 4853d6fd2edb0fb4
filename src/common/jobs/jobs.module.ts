import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobItem, JobRecord } from './job-record.entity';
import { Jobs, JOBS_QUEUE } from './jobs';
import { JobsProcessor } from './jobs.processor';

/** The job mechanism (records, runs, leases, sweep); contexts inject {@link Jobs} to register handlers and enqueue. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([JobRecord, JobItem]), BullModule.registerQueue({ name: JOBS_QUEUE })],
  providers: [Jobs, JobsProcessor],
  exports: [Jobs],
})
export class JobsModule {}
