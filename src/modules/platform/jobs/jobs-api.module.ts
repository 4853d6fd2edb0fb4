import { Module } from '@nestjs/common';
import { RuntimeMetricsModule } from '../metrics';
import { JobQueries } from './job-queries.service';
import { JobsController } from './jobs.controller';
import { QueueBoard, QueueBoardSessions } from './queue-board';

/** The staff jobs API over the job mechanism (common/jobs), queue counts and bull-board. */
@Module({ imports: [RuntimeMetricsModule], controllers: [JobsController], providers: [JobQueries, QueueBoardSessions, QueueBoard] })
export class JobsApiModule {}
