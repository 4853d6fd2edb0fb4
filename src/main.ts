import 'reflect-metadata';
import { loadConfigOrExit } from './config/env';

/** Entry point: validates config first (one-line exit on error), then boots Nest. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.nodeEnv !== 'production') {
    const { ensureDatabase } = await import('./database/ensure-database');
    await ensureDatabase(config.databaseUrl);
  }
  const { NestFactory } = await import('@nestjs/core');
  const { Logger } = await import('nestjs-pino');
  const { AppModule } = await import('./app.module');
  const { buildOpenApiDocument, configureApp, setupSwagger } = await import('./app.setup');
  const { ShutdownState } = await import('./modules/platform');

  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger = app.get(Logger);
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
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port);
  logger.log(`control plane listening on :${config.port} (docs at /docs)`);
}

main().catch((err: Error) => {
  process.stderr.write(`Failed to start: ${err.message}\n`);
  process.exit(1);
});
