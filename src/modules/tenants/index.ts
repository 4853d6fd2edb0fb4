export { TenantsModule } from './tenants.module';
