import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Alert, AlertRule } from './alert.entity';
import { AlertEvaluator } from './alert-evaluator';
import { ALERT_CONTROLLERS } from './alerts.controller';
import { ALERTS_QUEUE, AlertsProcessor } from './alerts.processor';
import { AlertsService } from './alerts.service';
import { AlertsDataEraser } from './alerts-data.eraser';
import { StaffAlertNotifications } from './staff-alert-notifications';

/** Super-admin alert rules and alerts: evaluation (events and a five-minute job), acknowledgement, staff notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([AlertRule, Alert]), BullModule.registerQueue({ name: ALERTS_QUEUE })],
  controllers: ALERT_CONTROLLERS,
  providers: [AlertsService, AlertEvaluator, AlertsProcessor, StaffAlertNotifications, AlertsDataEraser],
})
export class AlertsModule {}
