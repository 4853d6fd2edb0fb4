import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationError } from '../../../common/errors';
import { Clock } from '../../../common/time';
import { In } from 'typeorm';
import { Payment, PAYMENT_STATUSES } from '../entities/payment.entity';
import { toPaymentDto } from '../invoicing/payments.service';
import {
  arpaCents,
  averageRatio,
  FORECAST_BASIS_MONTHS,
  FORECAST_METHOD,
  FORECAST_MONTHS,
  linearForecast,
  ltv,
  MonthFigures,
  monthBuckets,
  MonthMovements,
  monthFigures,
  monthStart,
  noMovements,
  RATIO_PLACES,
  ratio,
} from './metrics';
import { CurrencyRevenueMetricsDto, PaymentMetricsDto, RevenueMetricsDto, RevenueMetricsQueryDto, TrialMetricsDto } from './revenue.dto';

/** The longest range one request may ask for, in months. */
export const MAX_RANGE_MONTHS = 60;
/** Payments listed as recent. */
const RECENT_PAYMENTS = 10;

interface OpeningRow {
  currency: string;
  mrr: string;
  paying: number;
}
interface GroupRow {
  currency: string;
  in_range: boolean;
  month: string;
  kind: string;
  amount: string;
  n: number;
  tenants: number;
}

/**
 * The platform's revenue metrics for staff, computed with SQL aggregates over `mrr_movements`
 * (indexed by currency and time) and its monthly rollup `mrr_month_totals` for closed months: per currency (no FX) the MRR at `to`, ARR, the month buckets of
 * movements and churn rates, ARPA, LTV and a 3-month forecast; plan-trial conversions; failed and
 * recent payments. Definitions (ChartMogul/Baremetrics) in docs/adr/0022 and on each field.
 * Reads only; "now" (the default `to`, trials ending soon) is the injected Clock.
 */
@Injectable()
export class RevenueMetricsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  /**
   * The metrics of [from, to).
   * @throws ValidationError (field `from`) when `from` is not before `to` or the range exceeds {@link MAX_RANGE_MONTHS} months
   */
  async metrics(query: RevenueMetricsQueryDto): Promise<RevenueMetricsDto> {
    const now = this.clock.now();
    const to = query.to ?? now;
    const from = query.from ?? monthStart(to, -11);
    if (from.getTime() >= to.getTime()) throw new ValidationError([{ field: 'from', message: 'from must be before to' }]);
    if (monthStart(from, MAX_RANGE_MONTHS).getTime() < to.getTime()) throw new ValidationError([{ field: 'from', message: `the range is at most ${MAX_RANGE_MONTHS} months` }]);
    const currency = query.currency ?? null;
    // The month of `to`'s last instant: a `to` on a month's first instant ends the month before.
    const lastMonth = monthStart(new Date(to.getTime() - 1));
    const basisStart = monthStart(lastMonth, -(FORECAST_BASIS_MONTHS - 1));
    const lower = basisStart < from ? basisStart : from;
    // A read runs outside a transaction: the three parts go to the pool side by side.
    const [{ opening, groups }, trials, payments] = await Promise.all([this.movementAggregates(from, to, lower, currency), this.trials(from, to, now, currency), this.payments(from, to, currency)]);
    const currencies = [...new Set([...opening.map((o) => o.currency), ...groups.map((g) => g.currency)])].sort();
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      interval: 'month',
      ratioFormat: `a fraction of 1 as a decimal string with ${RATIO_PLACES} fractional digits, rounded half-even ("0.2000" = 20 %); null when its denominator is 0`,
      currencies: currencies.map((c) => this.currencyMetrics(c, from, to, lower, lastMonth, opening.find((o) => o.currency === c), groups.filter((g) => g.currency === c))),
      trials,
      payments,
    };
  }

  /**
   * The platform's MRR state before `lower` (per currency) and the movements of [lower, to) per
   * currency, month (`in_range`: at or after `from`) and kind. Closed months come from
   * `mrr_month_totals` where the rollup has them (before `closed_until`), the rest from
   * `mrr_movements`; both give the same sums (docs/adr/0022).
   */
  private async movementAggregates(from: Date, to: Date, lower: Date, currency: string | null): Promise<{ opening: OpeningRow[]; groups: GroupRow[] }> {
    const tx = this.txHost.tx;
    const [state]: { closed_until: Date | null }[] = await tx.query(`SELECT closed_until FROM mrr_rollup_state WHERE id = 1`);
    const horizon = state?.closed_until ?? null;
    const lowerMonth = monthStart(lower);
    // Totals serve every month before `totalsBefore` for the opening state; raw movements from there on.
    const totalsBefore = horizon === null ? null : horizon < lowerMonth ? horizon : lowerMonth;
    // Whole closed months of [lower, to) served by totals: [spanStart, spanEnd). A month cut by
    // `lower`, `from` or `to`, or not closed yet, is read raw.
    let spanStart: Date | null = null;
    let spanEnd: Date | null = null;
    if (horizon !== null && horizon > lowerMonth) {
      const start = lower.getTime() === lowerMonth.getTime() ? lower : monthStart(lower, 1);
      const splitFrom = from > lower && from.getTime() !== monthStart(from).getTime() ? monthStart(from) : null;
      const end = [horizon, monthStart(to), ...(splitFrom ? [splitFrom] : [])].reduce((a, b) => (a < b ? a : b));
      if (end > start) [spanStart, spanEnd] = [start, end];
    }
    const openingSql = `SELECT currency, sum(amount_cents)::text AS mrr,
             (COALESCE(sum(movements) FILTER (WHERE kind IN ('new', 'reactivation')), 0) - COALESCE(sum(movements) FILTER (WHERE kind = 'churn'), 0))::int AS paying
        FROM mrr_month_totals WHERE month < $1 AND ($2::text IS NULL OR currency = $2) GROUP BY currency`;
    // Raw movements in [totalsBefore, spanStart) and [spanEnd, to): two index range scans on occurred_at
    // (without a span, the first range is all of it and the second is empty).
    const rawSql = `SELECT currency, occurred_at >= $3 AS in_range, occurred_at >= $4 AS after_lower,
             to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, kind,
             sum(delta_cents)::text AS amount, count(*)::int AS n, count(DISTINCT tenant_id)::int AS tenants
        FROM mrr_movements
       WHERE ($5::text IS NULL OR currency = $5)
         AND ((($1::timestamptz IS NULL OR occurred_at >= $1) AND occurred_at < $6) OR (occurred_at >= $7 AND occurred_at < $2))
       GROUP BY 1, 2, 3, 4, 5`;
    const spanSql = `SELECT currency, month >= $3 AS in_range, to_char(month AT TIME ZONE 'UTC', 'YYYY-MM') AS month, kind, amount_cents::text AS amount, movements AS n, tenants
        FROM mrr_month_totals WHERE month >= $1 AND month < $2 AND ($4::text IS NULL OR currency = $4)`;
    // A read runs outside a transaction: the statements go to the pool side by side.
    const [opening, raw, span]: [OpeningRow[], (GroupRow & { after_lower: boolean })[], GroupRow[]] = await Promise.all([
      totalsBefore ? tx.query(openingSql, [totalsBefore, currency]) : [],
      tx.query(rawSql, [totalsBefore, to, from, lower, currency, spanStart ?? to, spanEnd ?? to]),
      spanStart ? tx.query(spanSql, [spanStart, spanEnd, from, currency]) : [],
    ]);
    // Raw movements before `lower` complete the opening state.
    const byCurrency = new Map(opening.map((o) => [o.currency, { currency: o.currency, mrr: Number(o.mrr), paying: o.paying }]));
    for (const r of raw.filter((x) => !x.after_lower)) {
      const o = byCurrency.get(r.currency) ?? { currency: r.currency, mrr: 0, paying: 0 };
      o.mrr += Number(r.amount);
      o.paying += r.kind === 'new' || r.kind === 'reactivation' ? r.n : r.kind === 'churn' ? -r.n : 0;
      byCurrency.set(r.currency, o);
    }
    return {
      opening: [...byCurrency.values()].map((o) => ({ currency: o.currency, mrr: String(o.mrr), paying: o.paying })),
      groups: [...raw.filter((x) => x.after_lower), ...span],
    };
  }

  private currencyMetrics(currency: string, from: Date, to: Date, lower: Date, lastMonth: Date, opening: OpeningRow | undefined, groups: GroupRow[]): CurrencyRevenueMetricsDto {
    const at = { mrrCents: Number(opening?.mrr ?? 0), payingTenants: opening?.paying ?? 0 };
    // Movements before `from` (forecast basis months) advance the opening state month by month.
    const basisEnds = new Map<string, number>();
    for (const m of monthBuckets(lower, from)) {
      const moved = monthFigures(at, movementsOf(groups.filter((g) => !g.in_range && g.month === m.month)));
      at.mrrCents = moved.mrrEndCents;
      at.payingTenants = moved.payingTenantsEnd;
      basisEnds.set(m.month, moved.mrrEndCents);
    }
    const months: (MonthFigures & { month: string; start: Date; end: Date })[] = [];
    for (const b of monthBuckets(from, to)) {
      const figures = monthFigures(at, movementsOf(groups.filter((g) => g.in_range && g.month === b.month)));
      months.push({ ...figures, ...b });
      at.mrrCents = figures.mrrEndCents;
      at.payingTenants = figures.payingTenantsEnd;
      basisEnds.set(b.month, figures.mrrEndCents);
    }
    const mrr = at.mrrCents;
    const arpa = arpaCents(mrr, at.payingTenants);
    const averageGross = averageRatio(months.map((m) => m.grossRevenueChurnRate));
    const sum = (f: (m: MonthFigures) => number) => months.reduce((s, m) => s + f(m), 0);
    const basis = [...Array(FORECAST_BASIS_MONTHS).keys()].map((i) => monthStart(lastMonth, i - FORECAST_BASIS_MONTHS + 1).toISOString().slice(0, 7)).map((month) => ({ month, mrrCents: basisEnds.get(month) ?? 0 }));
    const forecast = linearForecast(basis.map((b) => b.mrrCents), FORECAST_MONTHS);
    return {
      currency,
      mrrCents: mrr,
      arrCents: mrr * 12,
      payingTenants: at.payingTenants,
      arpaCents: arpa,
      ltv: ltv(arpa, averageGross),
      averageLogoChurnRate: averageRatio(months.map((m) => m.logoChurnRate)),
      averageGrossRevenueChurnRate: averageGross,
      averageNetRevenueChurnRate: averageRatio(months.map((m) => m.netRevenueChurnRate)),
      totals: {
        newCents: sum((m) => m.newCents),
        expansionCents: sum((m) => m.expansionCents),
        contractionCents: sum((m) => m.contractionCents),
        churnedCents: sum((m) => m.churnedCents),
        reactivationCents: sum((m) => m.reactivationCents),
        netCents: sum((m) => m.netCents),
      },
      months: months.map((m) => ({
        month: m.month,
        start: m.start.toISOString(),
        end: m.end.toISOString(),
        mrrStartCents: m.mrrStartCents,
        mrrEndCents: m.mrrEndCents,
        newCents: m.newCents,
        expansionCents: m.expansionCents,
        contractionCents: m.contractionCents,
        churnedCents: m.churnedCents,
        reactivationCents: m.reactivationCents,
        netCents: m.netCents,
        payingTenantsStart: m.payingTenantsStart,
        payingTenantsEnd: m.payingTenantsEnd,
        newTenants: m.newMovements,
        reactivatedTenants: m.reactivationMovements,
        churnedTenants: m.churnedTenants,
        logoChurnRate: m.logoChurnRate,
        grossRevenueChurnRate: m.grossRevenueChurnRate,
        netRevenueChurnRate: m.netRevenueChurnRate,
      })),
      forecast: { method: FORECAST_METHOD, basis, months: forecast.map((mrrCents, k) => ({ month: monthStart(lastMonth, k + 1).toISOString().slice(0, 7), mrrCents })) },
    };
  }

  /** Plan trials that ended in [from, to) (from the subscription history) and those ending within 7 and 30 days of `now`. */
  private async trials(from: Date, to: Date, now: Date, currency: string | null): Promise<TrialMetricsDto> {
    const tx = this.txHost.tx;
    const [ended]: { ended: number; converted: number }[] = await tx.query(
      `SELECT count(*)::int AS ended, count(*) FILTER (WHERE status IN ('active', 'past_due'))::int AS converted
         FROM subscription_history
        WHERE previous_status = 'trial' AND status <> 'trial' AND kind = 'plan' AND valid_from >= $1 AND valid_from < $2 AND ($3::text IS NULL OR currency = $3)`,
      [from, to, currency],
    );
    const [soon]: { in7: number; in30: number }[] = await tx.query(
      `SELECT count(*) FILTER (WHERE trial_ends_at <= $2)::int AS in7, count(*)::int AS in30
         FROM subscriptions
        WHERE status = 'trial' AND kind = 'plan' AND trial_ends_at > $1 AND trial_ends_at <= $3 AND ($4::text IS NULL OR currency = $4)`,
      [now, new Date(now.getTime() + 7 * 86_400_000), new Date(now.getTime() + 30 * 86_400_000), currency],
    );
    return { endedInRange: ended.ended, convertedInRange: ended.converted, conversionRate: ratio(ended.converted, ended.ended), expiringIn7Days: soon.in7, expiringIn30Days: soon.in30 };
  }

  /** Failed payments created in [from, to) and the latest payments created before `to`. */
  private async payments(from: Date, to: Date, currency: string | null): Promise<PaymentMetricsDto> {
    const tx = this.txHost.tx;
    const [[failed], latest]: [{ n: number }[], { id: string }[]] = await Promise.all([
      tx.query(
      `SELECT count(*)::int AS n FROM payments WHERE status = 'failed' AND created_at >= $1 AND created_at < $2 AND ($3::text IS NULL OR currency = $3)`,
      [from, to, currency],
      ),
      // The latest of each status (index on status, created_at), then the latest of those.
      tx.query(
      `SELECT p.id FROM unnest($1::text[]) AS s(status)
         CROSS JOIN LATERAL (SELECT id, created_at FROM payments
                              WHERE status = s.status AND created_at < $2 AND ($3::text IS NULL OR currency = $3)
                              ORDER BY created_at DESC, id DESC LIMIT ${RECENT_PAYMENTS}) p
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${RECENT_PAYMENTS}`,
      [[...PAYMENT_STATUSES], to, currency],
      ),
    ]);
    const found = latest.length ? await tx.getRepository(Payment).find({ where: { id: In(latest.map((r) => r.id)) } }) : [];
    const rows = latest.map((r) => found.find((p) => p.id === r.id)!).filter(Boolean);
    const numbers: { id: string; number: string | null }[] = rows.length ? await tx.query(`SELECT id, number FROM invoices WHERE id = ANY($1::uuid[])`, [[...new Set(rows.map((p) => p.invoiceId))]]) : [];
    const byId = new Map(numbers.map((n) => [n.id, n.number]));
    return { failedInRange: failed.n, recent: rows.map((p) => toPaymentDto(p, byId.get(p.invoiceId) ?? null)) };
  }
}

/** One month's movements from its aggregate rows (one per kind). */
function movementsOf(rows: GroupRow[]): MonthMovements {
  const m = noMovements();
  for (const r of rows) {
    const amount = Number(r.amount);
    if (r.kind === 'new') Object.assign(m, { newCents: m.newCents + amount, newMovements: m.newMovements + r.n });
    else if (r.kind === 'expansion') m.expansionCents += amount;
    else if (r.kind === 'contraction') m.contractionCents += amount;
    else if (r.kind === 'churn') Object.assign(m, { churnedCents: m.churnedCents + amount, churnMovements: m.churnMovements + r.n, churnedTenants: m.churnedTenants + r.tenants });
    else if (r.kind === 'reactivation') Object.assign(m, { reactivationCents: m.reactivationCents + amount, reactivationMovements: m.reactivationMovements + r.n });
  }
  return m;
}
