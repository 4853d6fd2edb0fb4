import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';

/** Erases a purged tenant's subscriptions and pending charges (docs/adr/0008). Runs in the purge's transaction. */
@ErasesTenantData('billing')
export class BillingDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from pending_invoice_items and subscriptions. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [PendingInvoiceItem, Subscription]);
  }
}
