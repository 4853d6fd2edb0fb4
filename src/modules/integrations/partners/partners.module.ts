import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PartnerApiKey } from './partner-api-key.entity';
import { Partner } from './partner.entity';
import { ApiKeyAuthenticator } from '../../../common/auth';
import { CommittedEventsBroadcaster } from '../../../common/events';
import { ApiKeysService } from './api-keys.service';
import { EventStreamService } from './event-stream.service';
import { ServiceApiKeyIntrospectionController, TenantEventStreamController, TenantPartnersController } from './partners.controller';
import { PartnersService } from './partners.service';
import { PartnersBackupSection } from './partners.backup-section';
import { PartnersDataEraser } from '../partners-data.eraser';
import { PartnersPersonalDataEraser } from '../partners-personal-data.eraser';

/**
 * Partners of a tenant and their API keys (the `partner` principal), key introspection for
 * product-module services, and the real-time event stream. Global: it binds the ports that the
 * authentication guard (ApiKeyAuthenticator) and the event bus (CommittedEventsBroadcaster) use.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Partner, PartnerApiKey])],
  controllers: [TenantPartnersController, TenantEventStreamController, ServiceApiKeyIntrospectionController],
  providers: [PartnersDataEraser, PartnersPersonalDataEraser, PartnersService, PartnersBackupSection, ApiKeysService, EventStreamService, { provide: ApiKeyAuthenticator, useExisting: ApiKeysService }, { provide: CommittedEventsBroadcaster, useExisting: EventStreamService }],
  exports: [ApiKeyAuthenticator, CommittedEventsBroadcaster, PartnersService],
})
export class PartnersModule {}
