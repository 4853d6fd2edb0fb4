import { AdminQuotaWhatIfController, QuotaWhatIfService } from './service-api/quota-what-if';
import { ServiceEntitlementsController } from './service-api/service-entitlements.controller';
import { ServiceEntitlementsService } from './service-api/service-entitlements.service';
import { TenantSubscriptionController } from './tenant-subscription.controller';
import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit';
import { IamModule } from '../iam';
import { BILLING_QUEUE, BillingLifecycleProcessor } from './billing-lifecycle.processor';
import { BillingLifecycleService } from './billing-lifecycle.service';
import { PlansModule } from '../plans';
import { EntitlementSource } from '../../common/auth';
import { AdminSubscriptionListController, AdminSubscriptionsController } from './admin-subscriptions.controller';
import { SubscriptionQueries } from './subscription-queries.service';
import { ChargeLedger } from './charge-ledger';
import { ModuleDeactivation } from './entities/module-deactivation.entity';
import { ModuleTrial } from './entities/module-trial.entity';
import { EntitlementsService } from './entitlements.service';
import { ModuleSubscriptionsService } from './module-subscriptions.service';
import { TenantEntitlementsController, TenantModulesController } from './tenant-modules.controller';
import { BillingDataEraser } from './billing-data.eraser';
import { BillingPersonalDataEraser } from './billing-personal-data.eraser';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionsService } from './subscriptions.service';
import { Invoice } from './entities/invoice.entity';
import { InvoiceLine } from './entities/invoice-line.entity';
import { DocumentNumberSequence } from './entities/document-number-sequence.entity';
import { AdminInvoicesController, TenantInvoicesController } from './invoicing/invoices.controller';
import { InvoicesService } from './invoicing/invoices.service';
import { Payment } from './entities/payment.entity';
import { AdminInvoicePaymentsController, AdminPaymentsController, TenantPaymentsController } from './invoicing/payments.controller';
import { PaymentsService } from './invoicing/payments.service';
import { NoTaxCalculator, TaxCalculator } from './invoicing/tax-calculator';
import { APP_CONFIG, AppConfig } from '../../config';
import { AdminBillingEnforcementController, AdminDunningController, TenantInvoicePayController, TenantPaymentMethodController } from './collection/collection.controller';
import { DunningService } from './collection/dunning.service';
import { ManualPaymentGateway } from './collection/manual-gateway';
import { PaymentCollectionProcessor } from './collection/payment-collection.processor';
import { PaymentCollectionService } from './collection/payment-collection.service';
import { PaymentGateway } from './collection/payment-gateway';
import { PaymentSettlement } from './collection/payment-settlement';
import { SandboxPaymentGateway } from './collection/sandbox-gateway';
import { BillingAccount } from './entities/billing-account.entity';
import { DunningCase, DunningPolicy } from './entities/dunning.entity';
import { PaymentMethod } from './entities/payment-method.entity';
import { CreditBalanceTransaction, CreditNote } from './entities/credit-note.entity';
import { Refund } from './entities/refund.entity';
import { CreditBalanceLedger } from './collection/credit-balance';
import { CreditNotesService } from './collection/credit-notes.service';
import { RefundsService } from './collection/refunds.service';
import { AdminCreditNotesController, AdminInvoiceCreditNotesController, AdminRefundsController, TenantCreditNotesController } from './collection/credit-notes.controller';
import { Coupon } from './coupons/coupon.entity';
import { SubscriptionDiscount } from './coupons/subscription-discount.entity';
import { CouponsService } from './coupons/coupons.service';
import { CouponRedemptions } from './coupons/coupon-redemptions.service';
import { SubscriptionDiscountsService } from './coupons/subscription-discounts.service';
import { AdminCouponsController, AdminSubscriptionDiscountController } from './coupons/coupons.controller';

import { MrrMovement } from './revenue/entities/mrr-movement.entity';
import { SubscriptionHistory } from './revenue/entities/subscription-history.entity';
import { TenantMrr } from './revenue/entities/tenant-mrr.entity';
import { MrrDiscounts } from './revenue/mrr-discounts';
import { CouponMrrDiscounts } from './coupons/coupon-mrr-discounts';
import { MrrRebuildProcessor } from './revenue/mrr-rebuild.processor';
import { MrrRebuildService } from './revenue/mrr-rebuild.service';
import { MrrRecorder } from './revenue/mrr-recorder';
import { MrrRollupService } from './revenue/mrr-rollup.service';
import { AdminRevenueMetricsController, AdminTenantBillingSummaryController } from './revenue/revenue.controller';
import { RevenueMetricsService } from './revenue/revenue-metrics.service';
import { TenantBillingSummaryService } from './revenue/tenant-billing-summary.service';
import { BillingExportSources } from './billing-export.sources';

/**
 * Billing context: subscriptions (plan and modules), licenses, trials, proration, the ledger of
 * pending charges and the invoices made from them (numbering, PDFs, the tax port), coupons and the
 * discounts they put on subscriptions, collection through the payment gateway port
 * (PAYMENT_GATEWAY: sandbox or manual), refunds, credit notes, the credit balance, dunning, and the
 * revenue metrics (the MRR movements ledger, its history and rebuild, the metrics and billing
 * summary). Reads the catalog and writes the tenant's billing state
 * through the plans facade, in the caller's transaction. Global only to provide the
 * EntitlementSource port to the module guard (common/auth).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Subscription, PendingInvoiceItem, ModuleTrial, ModuleDeactivation, Invoice, InvoiceLine, DocumentNumberSequence, Payment, PaymentMethod, BillingAccount, DunningPolicy, DunningCase, CreditNote, CreditBalanceTransaction, Refund, Coupon, SubscriptionDiscount, MrrMovement, TenantMrr, SubscriptionHistory]), BullModule.registerQueue({ name: BILLING_QUEUE }), PlansModule, IamModule, AuditModule],
  controllers: [TenantSubscriptionController, AdminInvoicesController, TenantInvoicesController, AdminInvoicePaymentsController, AdminPaymentsController, TenantPaymentsController, TenantPaymentMethodController, TenantInvoicePayController, AdminDunningController, AdminBillingEnforcementController, AdminRefundsController, AdminInvoiceCreditNotesController, AdminCreditNotesController, TenantCreditNotesController, AdminSubscriptionsController, AdminSubscriptionListController, TenantModulesController, TenantEntitlementsController, AdminCouponsController, AdminSubscriptionDiscountController, AdminRevenueMetricsController, AdminTenantBillingSummaryController, ServiceEntitlementsController, AdminQuotaWhatIfController],
  providers: [
    BillingExportSources,
    ServiceEntitlementsService,
    QuotaWhatIfService,
    SubscriptionsService,
    SubscriptionQueries,
    ModuleSubscriptionsService,
    ChargeLedger,
    InvoicesService,
    PaymentsService,
    CouponsService,
    CouponRedemptions,
    SubscriptionDiscountsService,
    { provide: TaxCalculator, useClass: NoTaxCalculator },
    {
      provide: PaymentGateway,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): PaymentGateway => (config.paymentGateway === 'manual' ? new ManualPaymentGateway() : new SandboxPaymentGateway()),
    },
    PaymentCollectionService,
    PaymentCollectionProcessor,
    PaymentSettlement,
    DunningService,
    CreditBalanceLedger,
    CreditNotesService,
    RefundsService,
    BillingLifecycleService,
    BillingLifecycleProcessor,
    EntitlementsService,
    { provide: EntitlementSource, useExisting: EntitlementsService },
    BillingDataEraser,
    BillingPersonalDataEraser,
    MrrRecorder,
    { provide: MrrDiscounts, useClass: CouponMrrDiscounts },
    MrrRebuildService,
    MrrRollupService,
    MrrRebuildProcessor,
    RevenueMetricsService,
    TenantBillingSummaryService,
  ],
  exports: [SubscriptionsService, EntitlementSource],
})
export class BillingModule {}
