import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestContext } from '../../../common/context';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../../common/http';
import { JobCommandResultsDto, JobDto, JobIdsDto, JobItemDto, JobItemListQueryDto, JobListQueryDto, Jobs } from '../../../common/jobs';
import { QueueStats } from '../metrics';
import { QueueStatDto } from '../system/system.dto';
import { JobQueries } from './job-queries.service';
import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH, QueueBoardSessions } from './queue-board';

/** Counts of every queue. */
class QueueStatsDto {
  @ApiProperty({ type: [QueueStatDto] }) data: QueueStatDto[];
}

/**
 * Jobs API for staff (every role reads; owner and admin retry and cancel): every long-running
 * operation as a durable record with progress (CONVENTIONS §12).
 */
@ApiTags('jobs')
@AuditResource('platform', 'job')
@PlatformAuth()
@Controller('admin/jobs')
export class JobsController {
  constructor(
    private readonly queries: JobQueries,
    private readonly jobs: Jobs,
    private readonly queueStats: QueueStats,
    private readonly sessions: QueueBoardSessions,
    private readonly context: RequestContext,
  ) {}

  @Get('queues')
  @ApiOp('adminJobQueues_get', 'Every Bull queue right now: waiting, running, delayed, failed, oldest waiting age', [])
  @ApiOkResponse({ type: QueueStatsDto })
  async queues(): Promise<QueueStatsDto> {
    return { data: await this.queueStats.all() };
  }

  @Post('board-session')
  @HttpCode(204)
  @PlatformAuth('owner', 'admin')
  @Audited('job.boardSession')
  @ApiOp('adminJobs_boardSession', 'Open bull-board at /admin/queues in this browser for 15 minutes', [], `Sets an HttpOnly, SameSite=Strict cookie scoped to ${QUEUE_BOARD_PATH}; then open ${QUEUE_BOARD_PATH} in the same browser. Owners and admins only.`)
  @ApiNoContentResponse({ description: 'Cookie set' })
  boardSession(@Res({ passthrough: true }) res: Response): void {
    const { value, expiresAt } = this.sessions.issue(this.context.actor.id!);
    res.cookie(QUEUE_BOARD_COOKIE, value, { path: QUEUE_BOARD_PATH, httpOnly: true, sameSite: 'strict', secure: this.sessions.secureCookies, expires: expiresAt });
  }

  @Get()
  @ApiOp('adminJobs_list', 'Jobs, newest first (filters type, status, tenantId)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(JobDto) })
  list(@Query() query: JobListQueryDto) {
    return this.queries.list(query);
  }

  @Post('retry')
  @HttpCode(200)
  @PlatformAuth('owner', 'admin')
  @Audited('job.retry')
  @ApiOp('adminJobs_retry', 'Queue failed or cancelled jobs again', ['validation_failed'], 'A retried job resumes: the items an earlier run recorded are not done again. Queued, running and succeeded jobs are skipped (`outcome: skipped` with the reason). Each id gets its own outcome.')
  @ApiOkResponse({ type: JobCommandResultsDto })
  async retry(@Body() dto: JobIdsDto): Promise<JobCommandResultsDto> {
    return { data: await this.jobs.retry(dto.jobIds) };
  }

  @Post('cancel')
  @HttpCode(200)
  @PlatformAuth('owner', 'admin')
  @Audited('job.cancel')
  @ApiOp('adminJobs_cancel', 'Cancel jobs: a queued one at once, a running one at its next checkpoint', ['validation_failed'], 'A running job stops between two items (`outcome: cancelling`, then status `cancelled`); what it did before stays done and is listed in its items. Finished jobs are skipped.')
  @ApiOkResponse({ type: JobCommandResultsDto })
  async cancel(@Body() dto: JobIdsDto): Promise<JobCommandResultsDto> {
    return { data: await this.jobs.cancel(dto.jobIds) };
  }

  @Get(':jobId')
  @ApiOp('adminJobs_get', 'A job with its progress, result or error', ['validation_failed', 'job_not_found'])
  @ApiOkResponse({ type: JobDto })
  get(@Param('jobId', UuidPipe) jobId: string): Promise<JobDto> {
    return this.queries.get(jobId);
  }

  @Get(':jobId/items')
  @ApiOp('adminJobItems_list', 'Per-item results of a job, in request order (filter outcome)', ['validation_failed', 'job_not_found'])
  @ApiOkResponse({ type: PageOf(JobItemDto) })
  items(@Param('jobId', UuidPipe) jobId: string, @Query() query: JobItemListQueryDto) {
    return this.queries.items(jobId, query);
  }
}
