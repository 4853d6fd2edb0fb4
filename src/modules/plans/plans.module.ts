import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Plan } from './entities/plan.entity';
import { ProductModule } from './entities/product-module.entity';
import { ModulesController } from './modules.controller';
import { ModuleCatalogService } from './modules.service';
import { TenantQuota } from './entities/tenant-quota.entity';
import { MirrorBillingSuspensionListener } from './listeners/mirror-billing-suspension.listener';
import { PlansController, TenantPlansController } from './plans.controller';
import { PlansDataEraser } from './plans-data.eraser';
import { PlansService } from './plans.service';
import { QuotaPrecheckPipe } from './quota-precheck.pipe';
import { QuotaGuard } from './quota.guard';
import { QuotaService } from './quota.service';
import { AdminTenantQuotaController, TenantAllowancesController } from './tenant-quota.controller';
import { TenantQuotaService } from './tenant-quota.service';
import { TenantRateLimits } from './tenant-rate-limits.service';

/**
 * Plans context: the metric registry, plan catalog, per-tenant quotas and their enforcement, and
 * the request-rate dimension (plan rates, tenant overrides; enforced by platform's traffic guard). The
 * usage counters come through the UsageLedger port (usage-ledger.ts), which the usage context provides globally.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Plan, TenantQuota, ProductModule])],
  controllers: [PlansController, TenantPlansController, ModulesController, AdminTenantQuotaController, TenantAllowancesController],
  providers: [ModuleCatalogService, QuotaService, QuotaGuard, QuotaPrecheckPipe, PlansService, TenantQuotaService, TenantRateLimits, MirrorBillingSuspensionListener, PlansDataEraser],
  exports: [QuotaService, QuotaGuard, QuotaPrecheckPipe, ModuleCatalogService, TenantRateLimits],
})
export class PlansModule {}
