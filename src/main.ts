import 'reflect-metadata';
import { loadConfigOrExit } from './config/env';

/**
 * Entry point: validates config (one-line exit on error), checks PostgreSQL and Redis within a
 * bounded time (one line naming DATABASE_URL or REDIS_URL, exit 1), applies migrations, then boots
 * Nest. In development it ends with a short human summary on the console.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { preflight, staffCount } = await import('./database/preflight');
  const report = await preflight(config);
  // Migrations ran in the preflight, without the request-path statement timeout; Nest must not
  // run them again under it.
  process.env.MIGRATIONS_RUN = 'false';
  const { NestFactory } = await import('@nestjs/core');
  const { AppLogger } = await import('./common/logging');
  const { AppModule } = await import('./app.module');
  const { buildOpenApiDocument, configureApp, setupSwagger } = await import('./app.setup');
  const { ShutdownState } = await import('./modules/platform');

  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  configureApp(app);
  setupSwagger(app, buildOpenApiDocument(app));

  // Bounded graceful shutdown. At the signal, readiness turns 503 at once; Nest's shutdown hooks
  // then drain HTTP (HttpDrain: stop accepting, answer every accepted request, close keep-alive
  // connections), close the Bull queues, Redis and the pool, and exit 0. Past SHUTDOWN_TIMEOUT_MS
  // the process exits 1 whatever is left.
  const shutdown = app.get(ShutdownState);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown.begin();
      setTimeout(() => {
        logger.error(`shutdown exceeded ${config.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  // process.exit(0) once closed (and pino flushed), instead of re-raising the signal.
  // SIGTERM and SIGINT only: other signals (SIGUSR2 of profilers and debuggers, SIGHUP) must not stop it.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port);
  logger.log(`control plane listening on :${config.port} (docs at /docs)`);
  if (config.nodeEnv === 'development') {
    const staffNow = await staffCount(app);
    const base = `http://localhost:${config.port}`;
    const lines = [
      'Control plane is up (development)',
      `  database    ${report.database.name} on ${report.database.address} (${report.database.created ? 'created' : 'found'})`,
      `  migrations  ${report.migrations ? `${report.migrations.applied} applied, ${report.migrations.total} in total` : 'not run (MIGRATIONS_RUN=false)'}`,
      `  owner       ${config.bootstrapOwner ? `${config.bootstrapOwner.email} ${report.staffBefore === 0 || (report.staffBefore === null && staffNow > 0) ? 'created' : 'already present (staff exists)'}` : 'none configured'}`,
      `  redis       ${report.redis.address}`,
      `  listening   ${base}`,
      `  docs        ${base}/docs`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`Failed to start: ${err.message.split('\n')[0]}\n`);
  process.exit(1);
});
