import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlansModule } from '../../plans';
import { HealthDataEraser } from './health-data.eraser';
import { TenantHealthController } from './tenant-health.controller';
import { HEALTH_QUEUE, TenantHealthProcessor } from './tenant-health.processor';
import { TenantHealthService } from './tenant-health.service';
import { TenantHealthSnapshot } from './tenant-health-snapshot.entity';

/** Tenant health and risk score (staff), daily snapshots, `tenant.risk_changed`. Imported before the tenants routes (see the controller). */
@Module({
  imports: [TypeOrmModule.forFeature([TenantHealthSnapshot]), PlansModule, BullModule.registerQueue({ name: HEALTH_QUEUE })],
  controllers: [TenantHealthController],
  providers: [TenantHealthService, TenantHealthProcessor, HealthDataEraser],
  exports: [TenantHealthService],
})
export class TenantHealthModule {}
