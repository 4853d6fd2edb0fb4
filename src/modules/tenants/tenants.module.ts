import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantDirectory } from '../../common/tenancy';
import { Tenant } from './entities/tenant.entity';
import { TenantDirectoryService } from './tenant-directory.service';

/**
 * Tenants context. Global only to provide the {@link TenantDirectory} port to contexts that
 * must not import this one (docs/adr/0002).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Tenant])],
  providers: [{ provide: TenantDirectory, useClass: TenantDirectoryService }],
  exports: [TenantDirectory],
})
export class TenantsModule {}
