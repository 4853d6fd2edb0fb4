/**
 * A separate service process for crash tests: boots the whole AppModule (its Bull workers included)
 * without HTTP, prints `ready`, and runs until killed. Its environment comes from the parent test.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';

void NestFactory.createApplicationContext(AppModule, { logger: false }).then(async (app) => {
  await app.init();
  process.stdout.write('ready\n');
});
