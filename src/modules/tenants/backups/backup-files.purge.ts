import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import { ExportStorage } from '../../../common/exports';
import { scheduleRepeatable } from '../../../common/jobs';
import { Clock } from '../../../common/time';
import { BACKUP_RETENTION_MS, backupFileKey } from './tenant-backups.service';

/** Bull queue of the backup housekeeping. */
export const TENANT_BACKUPS_QUEUE = 'tenant-backups';
const PURGE_JOB = 'purge';

/**
 * Deletes what backups and restores leave on the server once its time is up, across tenants:
 * archives not downloaded within an hour of being written (and partial files of failed jobs), and
 * uploads whose restore did not remove them (a crashed worker) an hour after the upload.
 */
@Injectable()
export class BackupFilesPurge {
  private readonly logger = new Logger(BackupFilesPurge.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: ExportStorage,
    private readonly clock: Clock,
  ) {}

  /** Removes the due files and marks them removed. Returns how many files. */
  async purgeDue(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - BACKUP_RETENTION_MS);
    const backups: { id: string; file_key: string | null }[] = await this.txHost.tx.query(
      `SELECT b.id, b.file_key FROM tenant_backups b JOIN jobs j ON j.id = b.job_id
       WHERE b.file_removed_at IS NULL AND (b.expires_at < $1 OR (j.status IN ('failed', 'cancelled') AND j.finished_at < $2))
       ORDER BY b.created_at LIMIT 1000`,
      [now, cutoff],
    );
    for (const b of backups) {
      await this.storage.remove(b.file_key ?? backupFileKey(b.id));
      await this.txHost.tx.query(`UPDATE tenant_backups SET file_removed_at = $2, updated_at = now() WHERE id = $1`, [b.id, now]);
    }
    const uploads: { id: string; file_key: string }[] = await this.txHost.tx.query(
      `SELECT id, file_key FROM tenant_restores WHERE file_removed_at IS NULL AND created_at < $1 ORDER BY created_at LIMIT 1000`,
      [cutoff],
    );
    for (const u of uploads) {
      await this.storage.remove(u.file_key);
      await this.txHost.tx.query(`UPDATE tenant_restores SET file_removed_at = $2, updated_at = now() WHERE id = $1`, [u.id, now]);
    }
    const n = backups.length + uploads.length;
    if (n) this.logger.log(`removed ${backups.length} backup archive(s) and ${uploads.length} restore upload(s)`);
    return n;
  }
}

/** Runs {@link BackupFilesPurge} every five minutes, once per cluster. */
@Processor(TENANT_BACKUPS_QUEUE)
export class BackupFilesPurgeProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(TENANT_BACKUPS_QUEUE) private readonly queue: Queue,
    private readonly purge: BackupFilesPurge,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, PURGE_JOB, { every: 300_000 }, { removeOnComplete: 1, removeOnFail: 20 });
  }

  @Process(PURGE_JOB)
  run(): Promise<number> {
    return this.purge.purgeDue();
  }
}
