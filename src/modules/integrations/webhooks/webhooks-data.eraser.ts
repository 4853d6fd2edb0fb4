import '../errors';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../../common/tenancy';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookAttempt, WebhookMessage } from './webhook-message.entity';

/** Erases a purged tenant's webhook endpoints with their messages and attempts (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('integrations.webhooks')
export class WebhooksDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from webhook_attempts, webhook_messages and webhook_endpoints. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [WebhookAttempt, WebhookMessage, WebhookEndpoint]);
  }
}
