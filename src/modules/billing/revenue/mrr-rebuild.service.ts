import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { Subscription } from '../entities/subscription.entity';
import { MrrMovement } from './entities/mrr-movement.entity';
import { SubscriptionHistory } from './entities/subscription-history.entity';
import { TenantMrr } from './entities/tenant-mrr.entity';
import { MrrDiscounts } from './mrr-discounts';
import { historySnapshot, mover, MrrRecorder } from './mrr-recorder';
import { MrrRollupService } from './mrr-rollup.service';
import { CurrencyMrrState, diffTenantMrr, MrrMovementKind, tenantMrrByCurrency } from './metrics';
import { MrrDifferenceDto, MrrMovementFactsDto, MrrRebuildResultDto } from './revenue.dto';
import { MrrSnapshot, snapshotDifferences, snapshotOf } from './snapshots';

/** Tenants read per batch. */
const BATCH = 500;
/** Differences listed in a result (all are counted). */
export const MAX_REPORTED_DIFFERENCES = 100;

/** A movement the replay of the history implies. */
interface ExpectedMovement {
  changeId: string;
  currency: string;
  kind: MrrMovementKind;
  mrrBeforeCents: number;
  mrrAfterCents: number;
  deltaCents: number;
  occurredAt: Date;
  cause: string;
  subscriptionId: string | null;
}

/** What the rebuild reads of one tenant. */
interface TenantRows {
  history: SubscriptionHistory[];
  movements: MrrMovement[];
  stored: TenantMrr[];
  subs: Subscription[];
}

/** The replay of one tenant's history: the movements it implies and the MRR state it ends in. */
export interface TenantReplay {
  expected: ExpectedMovement[];
  state: Map<string, CurrencyMrrState>;
  snapshots: Map<string, MrrSnapshot>;
}

/**
 * Replays a tenant's subscription history (rows in recording order) through the MRR rules the
 * recorder uses: after each recording (`changeId`), the tenant's MRR per currency from the latest
 * snapshot of every subscription, diffed against the state so far ({@link diffTenantMrr}).
 */
export function replayHistory(rows: SubscriptionHistory[]): TenantReplay {
  const snapshots = new Map<string, MrrSnapshot>();
  const state = new Map<string, CurrencyMrrState>();
  const expected: ExpectedMovement[] = [];
  for (let i = 0; i < rows.length; ) {
    const changeId = rows[i].changeId;
    const first = rows[i];
    const previous = new Map(snapshots);
    const changed: MrrSnapshot[] = [];
    for (; i < rows.length && rows[i].changeId === changeId; i += 1) {
      const snap = historySnapshot(rows[i]);
      snapshots.set(rows[i].subscriptionId, snap);
      changed.push(snap);
    }
    for (const m of diffTenantMrr(state, tenantMrrByCurrency([...snapshots.values()]))) {
      expected.push({ ...m, changeId, occurredAt: first.validFrom, cause: first.cause, subscriptionId: mover(m.currency, changed, previous) });
      state.set(m.currency, { mrrCents: m.mrrAfterCents });
    }
  }
  return { expected, state, snapshots };
}

function facts(m: { kind: string; mrrBeforeCents: number; mrrAfterCents: number; deltaCents: number; occurredAt: Date }): MrrMovementFactsDto {
  return { kind: m.kind, mrrBeforeCents: m.mrrBeforeCents, mrrAfterCents: m.mrrAfterCents, deltaCents: m.deltaCents, occurredAt: m.occurredAt.toISOString() };
}

/**
 * The reproducibility check of the MRR ledger (docs/adr/0022): for every tenant with
 * subscriptions, replays `subscription_history` through the pure rules and compares the result
 * with `mrr_movements` (matched by recording and currency: kind, before, after, delta, instant),
 * with `tenant_mrr` (the state the next movement starts from) and with the subscription rows
 * themselves (a change made without a recording), reading 500 tenants per four statements. With
 * `dryRun` false, each tenant with a difference is checked again under the recorder's per-tenant
 * lock and gets its movements and state rewritten from the replay, then a recording of any
 * unrecorded change — in the caller's transaction, under the recorder's per-tenant lock — and the
 * monthly rollup is invalidated.
 */
@Injectable()
export class MrrRebuildService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly discounts: MrrDiscounts,
    private readonly recorder: MrrRecorder,
    private readonly rollup: MrrRollupService,
  ) {}

  /** Checks (and unless `dryRun`, repairs) every tenant with subscriptions, or only `tenantId`. */
  async rebuild(options: { dryRun: boolean; tenantId?: string }): Promise<MrrRebuildResultDto> {
    const differences: MrrDifferenceDto[] = [];
    let differencesCount = 0;
    let tenantsChecked = 0;
    let tenantsWithDifferences = 0;
    let tenantsRepaired = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids: string[] = (
        await this.txHost.tx.query(`SELECT DISTINCT tenant_id FROM subscriptions WHERE tenant_id > $1 AND ($2::uuid IS NULL OR tenant_id = $2) ORDER BY tenant_id LIMIT ${BATCH}`, [after, options.tenantId ?? null])
      ).map((r: { tenant_id: string }) => r.tenant_id);
      if (!ids.length) break;
      after = ids[ids.length - 1];
      const batch = await this.load(ids);
      for (const tenantId of ids) {
        tenantsChecked += 1;
        let found = (await this.compare(tenantId, batch.get(tenantId)!)).differences;
        if (found.length && !options.dryRun) {
          // Under the recorder's lock, on rows read after it: a recording may have landed since the batch was read.
          await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('mrr:' || $1, 0))`, [tenantId]);
          const fresh = await this.compare(tenantId, (await this.load([tenantId])).get(tenantId)!);
          found = fresh.differences;
          if (found.length) {
            await this.repair(tenantId, fresh.replay, fresh.unrecorded);
            tenantsRepaired += 1;
          }
        }
        if (found.length) tenantsWithDifferences += 1;
        differencesCount += found.length;
        for (const d of found) if (differences.length < MAX_REPORTED_DIFFERENCES) differences.push(d);
      }
      if (ids.length < BATCH) break;
    }
    if (tenantsRepaired) await this.rollup.invalidate();
    return { dryRun: options.dryRun, tenantsChecked, tenantsWithDifferences, tenantsRepaired, differencesCount, differences };
  }

  /** The history, movements, MRR state and subscriptions of `tenantIds`, four statements for the batch. */
  private async load(tenantIds: string[]): Promise<Map<string, TenantRows>> {
    const tx = this.txHost.tx;
    const where = { tenantId: In(tenantIds) };
    const out = new Map<string, TenantRows>(tenantIds.map((id) => [id, { history: [], movements: [], stored: [], subs: [] }]));
    for (const h of await tx.getRepository(SubscriptionHistory).find({ where, order: { seq: 'ASC' } })) out.get(h.tenantId)!.history.push(h);
    for (const m of await tx.getRepository(MrrMovement).find({ where, order: { seq: 'ASC' } })) out.get(m.tenantId)!.movements.push(m);
    for (const r of await tx.getRepository(TenantMrr).find({ where })) out.get(r.tenantId)!.stored.push(r);
    for (const sub of await tx.getRepository(Subscription).find({ where })) out.get(sub.tenantId)!.subs.push(sub);
    return out;
  }

  /** Rewrites the tenant's movements and state from `replay`, then records an unrecorded change now. Under the tenant's lock. */
  private async repair(tenantId: string, replay: TenantReplay, unrecorded: boolean): Promise<void> {
    const movementsRepo = new TenantScopedRepository(this.txHost.tx, MrrMovement, tenantId);
    const stateRepo = new TenantScopedRepository(this.txHost.tx, TenantMrr, tenantId);
    await movementsRepo.delete({});
    if (replay.expected.length) await movementsRepo.insert(replay.expected.map((e) => ({ ...e })));
    await stateRepo.delete({});
    if (replay.state.size) await stateRepo.insert([...replay.state].map(([currency, st]) => ({ currency, mrrCents: st.mrrCents })));
    if (unrecorded) await this.recorder.record(tenantId, 'mrr.rebuild');
  }

  /** The differences of one tenant between its replayed history and its recorded movements, state and subscriptions. */
  private async compare(tenantId: string, rows: TenantRows): Promise<{ differences: MrrDifferenceDto[]; replay: TenantReplay; unrecorded: boolean }> {
    const { history, movements, stored, subs } = rows;
    const discounts = await this.discounts.forSubscriptions(tenantId, subs);
    const replay = replayHistory(history);
    const out: MrrDifferenceDto[] = [];
    const base = { tenantId, movementId: null, subscriptionId: null, expected: null, actual: null };

    const actualByKey = new Map(movements.map((m) => [`${m.changeId}:${m.currency}`, m]));
    const matched = new Set<string>();
    for (const e of replay.expected) {
      const key = `${e.changeId}:${e.currency}`;
      const a = actualByKey.get(key);
      if (!a) {
        out.push({ ...base, kind: 'missing_movement', currency: e.currency, changeId: e.changeId, subscriptionId: e.subscriptionId, expected: facts(e), detail: `the history implies a ${e.kind} of ${e.deltaCents} that is not recorded` });
        continue;
      }
      matched.add(key);
      const want = facts(e);
      const have = facts(a);
      const wrong = (Object.keys(want) as (keyof MrrMovementFactsDto)[]).filter((f) => want[f] !== have[f]);
      if (wrong.length) {
        out.push({
          ...base,
          kind: 'movement_mismatch',
          currency: e.currency,
          changeId: e.changeId,
          movementId: a.id,
          subscriptionId: a.subscriptionId,
          expected: want,
          actual: have,
          detail: wrong.map((f) => `${f}: expected ${want[f]}, recorded ${have[f]}`).join('; '),
        });
      }
    }
    for (const a of movements) {
      if (!matched.has(`${a.changeId}:${a.currency}`)) {
        out.push({ ...base, kind: 'unexpected_movement', currency: a.currency, changeId: a.changeId, movementId: a.id, subscriptionId: a.subscriptionId, actual: facts(a), detail: `a recorded ${a.kind} of ${a.deltaCents} that the history does not imply` });
      }
    }
    const storedByCurrency = new Map(stored.map((s) => [s.currency, s.mrrCents]));
    for (const c of [...new Set([...storedByCurrency.keys(), ...replay.state.keys()])].sort()) {
      const want = replay.state.get(c)?.mrrCents;
      const have = storedByCurrency.get(c);
      if (want !== have) out.push({ ...base, kind: 'state_mismatch', currency: c, changeId: null, detail: `tenant MRR state: expected ${want ?? 'none'}, recorded ${have ?? 'none'}` });
    }
    let unrecorded = false;
    for (const s of subs) {
      const now = snapshotOf(s, discounts.get(s.id) ?? null);
      const last = replay.snapshots.get(s.id);
      const fields = last ? snapshotDifferences(last, now) : ['no snapshot'];
      if (fields.length) {
        unrecorded = true;
        out.push({ ...base, kind: 'unrecorded_change', currency: s.currency, changeId: null, subscriptionId: s.id, detail: `the subscription differs from its last snapshot: ${fields.join(', ')}` });
      }
    }
    return { differences: out, replay, unrecorded };
  }
}
