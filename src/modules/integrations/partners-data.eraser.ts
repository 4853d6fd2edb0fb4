import './errors';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { PartnerApiKey } from './partners/partner-api-key.entity';
import { Partner } from './partners/partner.entity';

/** Erases a purged tenant's partners and their API keys (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('integrations.partners')
export class PartnersDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from partner_api_keys and partners. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [PartnerApiKey, Partner]);
  }
}
