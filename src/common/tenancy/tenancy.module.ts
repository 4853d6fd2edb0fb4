import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TenantDataErasers } from './tenant-data-erasers';

/**
 * Tenancy mechanisms that need Nest providers: the {@link TenantDataErasers} registry (imported by
 * the tenants context, whose purge runs every context's eraser; docs/adr/0008).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [TenantDataErasers],
  exports: [TenantDataErasers],
})
export class TenancyModule {}
