import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { RequestStore } from '../context/request-context';
import { DomainEventEnvelope } from './domain-event';
import { OutboxDispatcher } from './outbox-dispatcher';

/** CLS key holding the envelopes published in the current unit of work. */
export const PENDING_EVENTS = 'pendingEnvelopes';
/** CLS key holding the side effects to run once the current unit of work has committed. */
const AFTER_COMMIT = 'afterCommit';

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
    private readonly cls: ClsService<RequestStore & { [PENDING_EVENTS]?: DomainEventEnvelope[]; [AFTER_COMMIT]?: (() => Promise<void>)[] }>,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /** Runs `work` in a transaction (or the current one); dispatches its events after commit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.cls.isActive() && this.txHost.isTransactionActive()) return work();
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      const pending: DomainEventEnvelope[] = [];
      const afterCommit: (() => Promise<void>)[] = [];
      this.cls.set(PENDING_EVENTS, pending);
      this.cls.set(AFTER_COMMIT, afterCommit);
      const result = await this.txHost.withTransaction(work);
      for (const effect of afterCommit) {
        await effect().catch((err: Error) => this.logger.error(`after-commit effect failed: ${err.message}`));
      }
      if (pending.length) {
        // After commit: a failure here loses nothing, the relay re-dispatches the rows.
        await this.dispatcher.dispatch(pending).catch((err: Error) => this.logger.error(`post-commit dispatch failed: ${err.message}`));
      }
      return result;
    });
  }

  /**
   * Runs a side effect that must not happen unless the change commits (a Redis revocation, an
   * email) right after the current unit of work commits; runs it now outside one. A failure is
   * logged, never turned into an error of the already committed request. Prefer an event
   * listener when the effect must survive a crash (the outbox retries; this does not).
   */
  async afterCommit(effect: () => Promise<void>): Promise<void> {
    const queue = this.cls.isActive() && this.txHost.isTransactionActive() ? this.cls.get(AFTER_COMMIT) : undefined;
    if (queue) queue.push(effect);
    else await effect();
  }
}
