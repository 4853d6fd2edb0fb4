import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { CreditBalanceTransaction } from '../entities/credit-note.entity';

/** A tenant's credit balance in one currency, minor units. */
export interface CreditBalance {
  currency: string;
  amountCents: number;
}

/**
 * The tenant's credit balance (Stripe's customer balance), per currency: credit notes put money on
 * it, each invoice finalized takes what it can. Every movement is a row in the caller's
 * transaction; a movement locks the tenant's rows of that currency first, so two finalizations never
 * spend the same credit.
 */
@Injectable()
export class CreditBalanceLedger {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private repo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, CreditBalanceTransaction, tenantId);
  }

  /** The balances, one per currency that has moved (zero balances included). */
  async balances(tenantId: string): Promise<CreditBalance[]> {
    const rows: { currency: string; amount: string }[] = await this.repo(tenantId)
      .queryBuilder('b')
      .select('b.currency', 'currency')
      .addSelect('COALESCE(sum(b.amount_cents), 0)', 'amount')
      .groupBy('b.currency')
      .orderBy('b.currency')
      .getRawMany();
    return rows.map((r) => ({ currency: r.currency.trim(), amountCents: Number(r.amount) }));
  }

  /** Puts `amountCents` (> 0) of a credit note on the balance. */
  async credit(tenantId: string, currency: string, amountCents: number, creditNoteId: string, invoiceId: string): Promise<void> {
    await this.lock(tenantId, currency);
    await this.repo(tenantId).insertOne({ currency, amountCents, kind: 'credit_note', creditNoteId, invoiceId });
  }

  /** Applies up to `maxCents` of the balance to an invoice being finalized; returns what was applied (≥ 0). */
  async applyTo(tenantId: string, currency: string, maxCents: number, invoiceId: string): Promise<number> {
    if (maxCents <= 0) return 0;
    const balance = await this.lock(tenantId, currency);
    const applied = Math.min(balance, maxCents);
    if (applied > 0) await this.repo(tenantId).insertOne({ currency, amountCents: -applied, kind: 'applied_to_invoice', creditNoteId: null, invoiceId });
    return applied;
  }

  /** Locks the tenant's balance rows of `currency` and returns their sum. */
  private async lock(tenantId: string, currency: string): Promise<number> {
    // A transaction-scoped advisory lock per (tenant, currency): also serialises the first credit, when no row exists yet to lock.
    await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`credit-balance:${tenantId}:${currency}`]);
    const [row]: { total: string | null }[] = await this.txHost.tx.query(`SELECT sum(amount_cents) AS total FROM credit_balance_transactions WHERE tenant_id = $1 AND currency = $2`, [tenantId, currency]);
    return Number(row?.total ?? 0);
  }
}
