import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { scheduleRepeatable } from './schedule';
import { Jobs, JOBS_QUEUE, RUN_JOB } from './jobs';

const SWEEP_JOB = 'sweep';
/** Runs of different jobs one worker process works on at once. */
const CONCURRENCY = 2;

/** Works the job queue: runs (`run`, one per record) and the sweep every 30 s, once per cluster. */
@Processor(JOBS_QUEUE)
export class JobsProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(JOBS_QUEUE) private readonly queue: Queue,
    private readonly jobs: Jobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, SWEEP_JOB, { every: 30_000 }, { removeOnComplete: 1, removeOnFail: 20 });
  }

  @Process({ name: RUN_JOB, concurrency: CONCURRENCY })
  async run(job: Job<{ jobId: string }>): Promise<string | null> {
    return this.jobs.execute(job.data.jobId);
  }

  @Process(SWEEP_JOB)
  async sweep(): Promise<number> {
    return this.jobs.sweep();
  }
}
