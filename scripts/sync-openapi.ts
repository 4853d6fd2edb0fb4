/**
 * Regenerates openapi.json from the controllers without a database or Redis (Nest preview mode:
 * modules are scanned, no provider is instantiated). `--check` fails when the committed file
 * differs from the code (CI drift check).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument, configureApp } from '../src/app.setup';

const FILE = join(__dirname, '..', 'openapi.json');

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  configureApp(app);
  const json = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(FILE, 'utf8');
    } catch {
      /* missing file is drift */
    }
    if (committed !== json) {
      process.stderr.write('openapi.json is out of date with the code: run `npm run openapi` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('openapi.json matches the code.\n');
    return;
  }
  writeFileSync(FILE, json);
  process.stdout.write(`wrote ${FILE}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
