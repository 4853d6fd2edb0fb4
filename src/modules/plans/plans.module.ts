import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsageModule } from '../usage';
import { Plan } from './entities/plan.entity';
import { TenantQuota } from './entities/tenant-quota.entity';
import { QuotaGuard } from './quota.guard';
import { QuotaService } from './quota.service';

/** Plans context: plan catalog, per-tenant quotas and their enforcement. */
@Module({
  imports: [TypeOrmModule.forFeature([Plan, TenantQuota]), UsageModule],
  providers: [QuotaService, QuotaGuard],
  exports: [QuotaService, QuotaGuard],
})
export class PlansModule {}
