import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { IDEMPOTENCY_QUEUE, IdempotencyCleanupProcessor } from './idempotency-cleanup.processor';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Idempotency-Key mechanism: the interceptor applied by `@Idempotent()` and the hourly sweep of
 * expired keys. Imported by each context that has an idempotent route (Nest instantiates it once).
 */
@Module({
  imports: [BullModule.registerQueue({ name: IDEMPOTENCY_QUEUE })],
  providers: [IdempotencyInterceptor, IdempotencyCleanupProcessor],
  exports: [IdempotencyInterceptor],
})
export class IdempotencyModule {}
