import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { ModuleDeactivation } from './entities/module-deactivation.entity';
import { ModuleTrial } from './entities/module-trial.entity';
import { Subscription } from './entities/subscription.entity';
import { Invoice } from './entities/invoice.entity';
import { InvoiceLine } from './entities/invoice-line.entity';
import { Payment } from './entities/payment.entity';
import { PaymentMethod } from './entities/payment-method.entity';
import { BillingAccount } from './entities/billing-account.entity';
import { DunningCase } from './entities/dunning.entity';
import { CreditBalanceTransaction, CreditNote } from './entities/credit-note.entity';
import { Refund } from './entities/refund.entity';
import { SubscriptionDiscount } from './coupons/subscription-discount.entity';
import { MrrMovement } from './revenue/entities/mrr-movement.entity';
import { SubscriptionHistory } from './revenue/entities/subscription-history.entity';
import { TenantMrr } from './revenue/entities/tenant-mrr.entity';
import { INVALIDATE_ROLLUP_SQL } from './revenue/mrr-rollup.service';

/** Erases a purged tenant's MRR movements and state, subscription history, credit balance movements, credit notes, refunds, dunning cases, payments, payment methods, billing account, invoices, subscriptions and their discounts, pending charges, used trials and module switches (docs/adr/0008). Runs in the purge's transaction. */
@ErasesTenantData('billing')
export class BillingDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from mrr_movements, tenant_mrr, subscription_history, credit_balance_transactions, credit_notes, refunds, dunning_cases, payments, payment_methods, billing_accounts, invoice_lines, invoices, pending_invoice_items, subscription_discounts, module_trials, module_deactivations and subscriptions. */
  async erase(tenantId: string): Promise<ErasedRows> {
    await this.txHost.tx.query(INVALIDATE_ROLLUP_SQL); // the platform's monthly MRR totals included the tenant's movements
    return deleteTenantRows(this.txHost.tx, tenantId, [MrrMovement, TenantMrr, SubscriptionHistory, CreditBalanceTransaction, CreditNote, Refund, DunningCase, Payment, PaymentMethod, BillingAccount, InvoiceLine, Invoice, PendingInvoiceItem, SubscriptionDiscount, ModuleTrial, ModuleDeactivation, Subscription]);
  }
}
