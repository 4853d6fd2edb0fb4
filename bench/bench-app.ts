/**
 * Bench-only server (never part of the product): `node -r @swc-node/register bench/bench-app.ts <mode> <port>`.
 * - `bare`: the service's infrastructure (config, pino logging, CLS, TypeORM, Redis, Bull, event
 *   bus — INFRASTRUCTURE_IMPORTS) and the bench controller, without the global guards, pipe,
 *   interceptor and filter.
 * - `full`: the real AppModule (all global guards, validation, audit interceptor, problem filter)
 *   plus the same bench controller behind `@PlatformAuth()`.
 * Both use the same Express adapter, helmet and body parser (configureApp), so the difference is
 * exactly the global pipeline.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { PlatformAuth, Public } from '../src/common/auth';
import { ApiOp, AuditResource } from '../src/common/http';
import { UnitOfWork } from '../src/common/events';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

class EchoDto {
  @IsString() name: string;
}

@AuditResource('bench', 'bench')
@PlatformAuth()
@Controller('bench')
class BenchController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** A realistic write: one INSERT in a transaction (joins the audit interceptor's in `full`). */
  @Post('write')
  @HttpCode(200)
  @ApiOp('bench_write', 'bench write with one insert')
  write(@Body() body: EchoDto) {
    return this.uow.run(async () => {
      await this.txHost.tx.query(`INSERT INTO processed_events (consumer, event_id) VALUES ('bench', gen_random_uuid())`);
      return { ok: true, name: body.name };
    });
  }

  @Get('ping')
  @ApiOp('bench_ping', 'bench read')
  ping() {
    return { ok: true };
  }

  @Get('public-ping')
  @Public()
  @ApiOp('bench_publicPing', 'bench read without a token')
  publicPing() {
    return { ok: true };
  }

  @Post('echo')
  @HttpCode(200)
  @ApiOp('bench_echo', 'bench write')
  echo(@Body() body: EchoDto) {
    return { ok: true, name: body.name };
  }
}

async function main(): Promise<void> {
  const [mode = 'full', port = '3900'] = process.argv.slice(2);
  process.env.LOG_LEVEL ??= 'silent';
  const { configureApp } = await import('../src/app.setup');
  const { AppModule, INFRASTRUCTURE_IMPORTS } = await import('../src/app.module');
  @Module({ imports: mode === 'full' ? [AppModule] : INFRASTRUCTURE_IMPORTS, controllers: [BenchController] })
  class BenchRoot {}
  const root: unknown = BenchRoot;
  const app = await NestFactory.create(root as never, { logger: false });
  configureApp(app);
  await app.listen(Number(port), '127.0.0.1');
  process.stdout.write(`ready ${mode} ${port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
