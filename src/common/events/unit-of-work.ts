import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { RequestStore } from '../context/request-context';
import { DomainEventEnvelope } from './domain-event';
import { OutboxDispatcher } from './outbox-dispatcher';

/** CLS key holding the envelopes published in the current unit of work. */
export const PENDING_EVENTS = 'pendingEnvelopes';

/**
 * One database transaction per state change (CONVENTIONS §4). Events published inside are
 * written to the outbox in the same transaction and dispatched once it has committed.
 * A nested call joins the running transaction.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService<RequestStore & { [PENDING_EVENTS]?: DomainEventEnvelope[] }>,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /** Runs `work` in a transaction (or the current one); dispatches its events after commit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.cls.isActive() && this.txHost.isTransactionActive()) return work();
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      const pending: DomainEventEnvelope[] = [];
      this.cls.set(PENDING_EVENTS, pending);
      const result = await this.txHost.withTransaction(work);
      if (pending.length) {
        // After commit: a failure here loses nothing, the relay re-dispatches the rows.
        await this.dispatcher.dispatch(pending).catch((err: Error) => this.logger.error(`post-commit dispatch failed: ${err.message}`));
      }
      return result;
    });
  }
}
