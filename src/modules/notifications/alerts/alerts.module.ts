import { BullModule } from '@nestjs/bull';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Alert, AlertRule } from './alert.entity';
import { AlertEvaluator } from './alert-evaluator';
import { ALERT_CONTROLLERS } from './alerts.controller';
import { ALERTS_QUEUE, AlertsProcessor } from './alerts.processor';
import { AlertsService } from './alerts.service';
import { AlertsDataEraser } from './alerts-data.eraser';
import { ErrorRateMiddleware, ErrorRateRecorder } from './error-rate';
import { StaffAlertNotifications } from './staff-alert-notifications';

/** Super-admin alert rules and alerts: evaluation (events and a five-minute job), the API's own 5xx rate, acknowledgement, staff notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([AlertRule, Alert]), BullModule.registerQueue({ name: ALERTS_QUEUE })],
  controllers: ALERT_CONTROLLERS,
  providers: [AlertsService, AlertEvaluator, AlertsProcessor, StaffAlertNotifications, AlertsDataEraser, ErrorRateRecorder],
})
export class AlertsModule implements NestModule {
  /** Every route's responses feed the API's own error rate (error_rate_spike rules). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ErrorRateMiddleware).forRoutes('*');
  }
}
