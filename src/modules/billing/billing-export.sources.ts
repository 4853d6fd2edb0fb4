import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportSources, exportWhere } from '../../common/exports';
import { INVOICE_STATUSES } from './entities/invoice.entity';
import { PAYMENT_STATUSES } from './entities/payment.entity';
import { SUBSCRIPTION_STATUSES } from './entities/subscription.entity';

/** Subscriptions, invoices and payments as export sources (staff only). Amounts in minor units; times UTC. */
@Injectable()
export class BillingExportSources implements OnModuleInit {
  constructor(private readonly sources: ExportSources) {}

  onModuleInit(): void {
    this.sources.register({
      type: 'subscriptions',
      filters: ['tenantId', 'from', 'to', 'status'],
      tenantExportable: false,
      statuses: SUBSCRIPTION_STATUSES,
      columns: ['id', 'tenantId', 'kind', 'itemCode', 'status', 'interval', 'quantity', 'unitAmountCents', 'currency', 'currentPeriodStart', 'currentPeriodEnd', 'trialEndsAt', 'cancelAtPeriodEnd', 'createdAt'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id', time: 'created_at', status: 'status' });
        return {
          sql: `SELECT id, tenant_id AS "tenantId", kind, item_code AS "itemCode", status, interval, quantity, unit_amount_cents AS "unitAmountCents", currency,
                       current_period_start AS "currentPeriodStart", current_period_end AS "currentPeriodEnd", trial_ends_at AS "trialEndsAt",
                       cancel_at_period_end AS "cancelAtPeriodEnd", created_at AS "createdAt"
                FROM subscriptions ${where} ORDER BY created_at, id`,
          params,
        };
      },
    });
    this.sources.register({
      type: 'invoices',
      filters: ['tenantId', 'from', 'to', 'status'],
      tenantExportable: false,
      statuses: INVOICE_STATUSES,
      columns: ['id', 'tenantId', 'number', 'status', 'billingReason', 'currency', 'subtotalCents', 'discountCents', 'taxCents', 'totalCents', 'amountPaidCents', 'amountDueCents', 'finalizedAt', 'dueAt', 'paidAt', 'createdAt'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id', time: 'created_at', status: 'status' });
        return {
          sql: `SELECT id, tenant_id AS "tenantId", number, status, billing_reason AS "billingReason", currency, subtotal_cents AS "subtotalCents", discount_cents AS "discountCents",
                       tax_cents AS "taxCents", total_cents AS "totalCents", amount_paid_cents AS "amountPaidCents", amount_due_cents AS "amountDueCents",
                       finalized_at AS "finalizedAt", due_at AS "dueAt", paid_at AS "paidAt", created_at AS "createdAt"
                FROM invoices ${where} ORDER BY created_at, id`,
          params,
        };
      },
    });
    this.sources.register({
      type: 'payments',
      filters: ['tenantId', 'from', 'to', 'status'],
      tenantExportable: false,
      statuses: PAYMENT_STATUSES,
      columns: ['id', 'tenantId', 'invoiceId', 'amountCents', 'currency', 'status', 'method', 'gateway', 'reference', 'failureCode', 'refundedCents', 'processedAt', 'createdAt'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id', time: 'created_at', status: 'status' });
        return {
          sql: `SELECT id, tenant_id AS "tenantId", invoice_id AS "invoiceId", amount_cents AS "amountCents", currency, status, method, gateway, reference,
                       failure_code AS "failureCode", refunded_cents AS "refundedCents", processed_at AS "processedAt", created_at AS "createdAt"
                FROM payments ${where} ORDER BY created_at, id`,
          params,
        };
      },
    });
  }
}
