import { Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../../config';
import { AppLogger, createRootLogger, ROOT_LOGGER } from './logger';

/**
 * Logging: the root pino logger (`ROOT_LOGGER`, level `LOG_LEVEL`) and Nest's `AppLogger` over it
 * (`app.useLogger(app.get(AppLogger))`). The access log is mounted by `configureApp` only when
 * `info` is enabled.
 */
@Global()
@Module({
  providers: [
    { provide: ROOT_LOGGER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRootLogger(config.logLevel) },
    { provide: AppLogger, inject: [ROOT_LOGGER], useFactory: (root: Logger) => new AppLogger(root) },
  ],
  exports: [ROOT_LOGGER, AppLogger],
})
export class LoggingModule {}
