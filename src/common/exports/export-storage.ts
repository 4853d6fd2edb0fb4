import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../../config';

/**
 * Port: where export files live. Keys are relative paths (`exports/<id>.csv`). The default adapter
 * is a local directory (EXPORTS_DIR); an S3-compatible adapter can replace it without touching the
 * exports code.
 */
export abstract class ExportStorage {
  /** A stream that writes the object `key` (created or replaced). */
  abstract writer(key: string): Promise<Writable>;
  /** A stream of the object `key`. @throws Error when it does not exist */
  abstract reader(key: string): Promise<Readable>;
  /** Bytes of `key`, or null when it does not exist. */
  abstract size(key: string): Promise<number | null>;
  /** Removes `key`; no error when it is already gone. */
  abstract remove(key: string): Promise<void>;
}

/** {@link ExportStorage} on the local disk, under EXPORTS_DIR. */
@Injectable()
export class LocalDiskExportStorage extends ExportStorage {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.root = isAbsolute(config.exportsDir) ? config.exportsDir : resolve(process.cwd(), config.exportsDir);
  }

  private path(key: string): string {
    const full = resolve(join(this.root, key));
    if (!full.startsWith(this.root + sep)) throw new Error(`export key ${key} leaves the export store`);
    return full;
  }

  async writer(key: string): Promise<Writable> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    return createWriteStream(path, { flags: 'w', mode: 0o600 });
  }

  async reader(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path);
    return createReadStream(path);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return null;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
