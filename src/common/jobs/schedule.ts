import type { CronRepeatOptions, EveryRepeatOptions, Queue } from 'bull';

/**
 * Registers a repeatable job once per cluster (Bull dedupes by name + repeat spec, CONVENTIONS §9)
 * and removes schedules of the same job left by an older spec (a changed interval or cron), so a
 * reconfiguration never leaves two schedules running.
 */
export async function scheduleRepeatable(queue: Queue, name: string, repeat: CronRepeatOptions | EveryRepeatOptions, opts: { removeOnComplete?: number; removeOnFail?: number } = {}): Promise<void> {
  const wanted = 'cron' in repeat ? { cron: repeat.cron, every: null } : { cron: null, every: repeat.every };
  for (const job of await queue.getRepeatableJobs()) {
    if (job.name !== name) continue;
    const same = wanted.cron ? job.cron === wanted.cron : Number(job.every) === wanted.every;
    if (!same) await queue.removeRepeatableByKey(job.key);
  }
  await queue.add(name, {}, { repeat, removeOnComplete: opts.removeOnComplete ?? 10, removeOnFail: opts.removeOnFail ?? 50 });
}
