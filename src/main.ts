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

  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureApp(app);
  setupSwagger(app, buildOpenApiDocument(app));
  app.enableShutdownHooks();
  await app.listen(config.port);
  logger.log(`control plane listening on :${config.port} (docs at /docs)`);

  // Bounded graceful shutdown: Nest closes the server (in-flight requests finish), queues and pools.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`shutdown exceeded ${config.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`Failed to start: ${err.message}\n`);
  process.exit(1);
});
