import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { RequestStore } from '../context/request-context';
import { DomainEventEnvelope } from './domain-event';

/** CLS key holding the envelopes published in the current unit of work. */
export const PENDING_EVENTS = 'pendingEnvelopes';
/** CLS key holding the side effects to run once the current unit of work has committed. */
const AFTER_COMMIT = 'afterCommit';
/** CLS key holding the side effects to run once the current unit of work has ended, either way. */
const AFTER_TRANSACTION = 'afterTransaction';
/** CLS key holding the statements to run last inside the current unit of work, right before COMMIT. */
const BEFORE_COMMIT = 'beforeCommit';

type Effect = () => Promise<void>;

/** What hands a unit of work's events to their consumers once it has committed. */
export interface CommittedEventsDispatcher {
  /** Runs the inline consumers before returning; deferred ones may still be running after. */
  dispatchCommitted(envelopes: DomainEventEnvelope[]): Promise<unknown>;
}

/**
 * Provider token of the {@link CommittedEventsDispatcher} (the OutboxDispatcher). Resolved on
 * first use: the dispatcher runs every consumer in a UnitOfWork, so neither can take the other
 * in its constructor.
 */
export const COMMITTED_EVENTS_DISPATCHER = Symbol('COMMITTED_EVENTS_DISPATCHER');

/**
 * One database transaction per state change (CONVENTIONS §4). Events published inside are
 * written to the outbox in the same transaction and dispatched once it has committed.
 * A nested call joins the running transaction. Every event consumer runs in one of its own.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService<
      RequestStore & { [PENDING_EVENTS]?: DomainEventEnvelope[]; [AFTER_COMMIT]?: Effect[]; [AFTER_TRANSACTION]?: Effect[]; [BEFORE_COMMIT]?: Effect[] }
    >,
    private readonly moduleRef: ModuleRef,
  ) {}

  private dispatcherRef?: CommittedEventsDispatcher;

  private get dispatcher(): CommittedEventsDispatcher {
    this.dispatcherRef ??= this.moduleRef.get<CommittedEventsDispatcher>(COMMITTED_EVENTS_DISPATCHER);
    return this.dispatcherRef;
  }

  /** Runs `work` in a transaction (or the current one); dispatches its events after commit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.cls.isActive() && this.txHost.isTransactionActive()) return work();
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      const pending: DomainEventEnvelope[] = [];
      const afterCommit: Effect[] = [];
      const afterTransaction: Effect[] = [];
      const beforeCommit: Effect[] = [];
      this.cls.set(PENDING_EVENTS, pending);
      this.cls.set(AFTER_COMMIT, afterCommit);
      this.cls.set(AFTER_TRANSACTION, afterTransaction);
      this.cls.set(BEFORE_COMMIT, beforeCommit);
      let result: T;
      try {
        result = await this.txHost.withTransaction(async () => {
          const value = await work();
          // Last statements of the transaction, in order; one that throws rolls everything back.
          for (let effect = beforeCommit.shift(); effect; effect = beforeCommit.shift()) await effect();
          return value;
        });
      } catch (err) {
        // Rolled back: the connection is back in the pool and holds no lock any more.
        await this.runEffects(afterTransaction, 'after-transaction');
        throw err;
      }
      await this.runEffects(afterTransaction, 'after-transaction');
      await this.runEffects(afterCommit, 'after-commit');
      if (pending.length) {
        // After commit: a failure here loses nothing, the relay re-dispatches the rows.
        await this.dispatcher.dispatchCommitted(pending).catch((err: Error) => this.logger.error(`post-commit dispatch failed: ${err.message}`));
      }
      return result;
    });
  }

  /**
   * Runs `statement` as one of the last statements of the current unit of work — after the work
   * and its audit row, right before COMMIT — so a row lock it takes (a usage counter's UPDATE) is
   * held for one round trip instead of for the rest of the request. Its error rolls the whole unit
   * back and is the request's error. Runs now outside a unit of work.
   */
  async beforeCommit(statement: Effect): Promise<void> {
    const queue = this.queueOf(BEFORE_COMMIT);
    if (queue) queue.push(statement);
    else await statement();
  }

  /**
   * Runs a side effect that must not happen unless the change commits (a Redis revocation, an
   * email) right after the current unit of work commits; runs it now outside one. A failure is
   * logged, never turned into an error of the already committed request. Prefer an event
   * listener when the effect must survive a crash (the outbox retries; this does not).
   */
  async afterCommit(effect: Effect): Promise<void> {
    const queue = this.queueOf(AFTER_COMMIT);
    if (queue) queue.push(effect);
    else await effect();
  }

  /**
   * Runs a side effect once the current unit of work has ended, whether it committed or rolled
   * back, and only then: its transaction's row locks are released by then, so the effect may
   * start its own unit of work on the same rows (e.g. revoking a refresh-token family that a
   * failing request must not roll back). Doing that work inside the transaction instead would
   * wait, on a second connection, for a lock the first one holds — a hang PostgreSQL cannot
   * detect as a deadlock. Runs now outside a unit of work; a failure is logged.
   */
  async afterTransaction(effect: Effect): Promise<void> {
    const queue = this.queueOf(AFTER_TRANSACTION);
    if (queue) queue.push(effect);
    else await effect().catch((err: Error) => this.logger.error(`after-transaction effect failed: ${err.message}`));
  }

  /**
   * The effect queue of the running unit of work; undefined outside a transaction. A transaction
   * opened some other way has no queue: fail closed rather than run the effect inside it.
   */
  private queueOf(key: typeof AFTER_COMMIT | typeof AFTER_TRANSACTION | typeof BEFORE_COMMIT): Effect[] | undefined {
    if (!this.cls.isActive() || !this.txHost.isTransactionActive()) return undefined;
    const queue = this.cls.get(key);
    if (!queue) throw new Error('a transaction is active outside UnitOfWork.run; side effects cannot be deferred safely');
    return queue;
  }

  private async runEffects(effects: Effect[], label: string): Promise<void> {
    for (const effect of effects.splice(0)) {
      await effect().catch((err: Error) => this.logger.error(`${label} effect failed: ${err.message}`));
    }
  }
}
