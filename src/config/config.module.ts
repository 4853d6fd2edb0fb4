import { Global, Module } from '@nestjs/common';
import { AppConfig, parseConfig } from './env';

/** Injection token of the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Provides the validated configuration to every module. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: (): AppConfig => parseConfig() }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
