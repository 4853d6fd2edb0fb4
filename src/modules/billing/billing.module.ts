import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IamModule } from '../iam';
import { PlansModule } from '../plans';
import { AdminSubscriptionsController } from './admin-subscriptions.controller';
import { BillingDataEraser } from './billing-data.eraser';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Billing context: subscriptions (plan and modules), licenses, trials, proration and the ledger of
 * pending charges that invoicing bills. Reads the catalog and writes the tenant's billing state
 * through the plans facade, in the caller's transaction.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Subscription, PendingInvoiceItem]), PlansModule, IamModule],
  controllers: [AdminSubscriptionsController],
  providers: [SubscriptionsService, BillingDataEraser],
  exports: [SubscriptionsService],
})
export class BillingModule {}
