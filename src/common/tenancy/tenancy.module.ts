import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PersonalDataErasers } from './personal-data-erasers';
import { TenantDataErasers } from './tenant-data-erasers';

/**
 * Tenancy mechanisms that need Nest providers: the {@link TenantDataErasers} registry (imported by
 * the tenants context, whose purge runs every context's eraser; docs/adr/0008) and the
 * {@link PersonalDataErasers} registry (imported by the compliance context; docs/compliance.md).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [TenantDataErasers, PersonalDataErasers],
  exports: [TenantDataErasers, PersonalDataErasers],
})
export class TenancyModule {}
