import { daysBetweenCeil } from '../../common/time';
import { monthlyCostCents } from './pricing';

/**
 * Read-model fragment for lists that show each tenant's plan subscription (docs/adr/0004): a LEFT
 * JOIN on the one plan subscription per tenant (unique index ux_subscriptions_plan_per_tenant).
 * `tenantIdSql` is the joined tenant id expression, `alias` the subscriptions alias; the tenant's
 * billing account (`<alias>_ba`, at most one row) says whether dunning enforcement is paused.
 */
export function planSubscriptionJoinSql(tenantIdSql: string, alias: string): string {
  return `LEFT JOIN subscriptions ${alias} ON ${alias}.tenant_id = ${tenantIdSql} AND ${alias}.kind = 'plan'
          LEFT JOIN billing_accounts ${alias}_ba ON ${alias}_ba.tenant_id = ${tenantIdSql}`;
}

/** The columns {@link toSubscriptionSummary} reads, selected from `alias`. */
export function planSubscriptionColumnsSql(alias: string): string {
  return [
    `${alias}.status AS sub_status`,
    `${alias}.quantity AS sub_quantity`,
    `${alias}.interval AS sub_interval`,
    `${alias}.per_seat AS sub_per_seat`,
    `${alias}.unit_amount_cents AS sub_unit_amount_cents`,
    `${alias}.seat_unit_amount_cents AS sub_seat_unit_amount_cents`,
    `${alias}.price_override_cents AS sub_price_override_cents`,
    `${alias}.current_period_end AS sub_current_period_end`,
    `COALESCE(${alias}_ba.enforcement_paused, false) AS sub_enforcement_paused`,
  ].join(', ');
}

/** A row carrying {@link planSubscriptionColumnsSql} (bigints as strings, as node-postgres returns them). */
export interface PlanSubscriptionColumns {
  sub_status: string | null;
  sub_quantity: number | null;
  sub_interval: 'month' | 'year' | null;
  sub_per_seat: boolean | null;
  sub_unit_amount_cents: string | null;
  sub_seat_unit_amount_cents: string | null;
  sub_price_override_cents: string | null;
  sub_current_period_end: Date | null;
  sub_enforcement_paused: boolean;
}

/** What a tenant list row shows of the plan subscription. Amounts in minor units. */
export interface SubscriptionSummary {
  status: string;
  licenses: number | null;
  usagePercentage: number | null;
  monthlyCostCents: number;
  billingDaysRemaining: number;
  nextBillingDate: string;
  /** Staff exempted the tenant from dunning enforcement. */
  enforcementPaused: boolean;
}

/**
 * The summary of a row's plan subscription, `activeUsers` being the seats in use; null when the
 * tenant has no plan subscription. usagePercentage = active / licenses × 100, 2 decimals.
 */
export function toSubscriptionSummary(row: PlanSubscriptionColumns, activeUsers: number, now: Date): SubscriptionSummary | null {
  if (row.sub_status === null || row.sub_interval === null || row.sub_current_period_end === null) return null;
  const licenses = row.sub_quantity;
  return {
    status: row.sub_status,
    licenses,
    usagePercentage: licenses ? Math.round((activeUsers / licenses) * 10_000) / 100 : null,
    monthlyCostCents: monthlyCostCents({
      interval: row.sub_interval,
      quantity: licenses,
      perSeat: row.sub_per_seat ?? false,
      unitAmountCents: Number(row.sub_unit_amount_cents ?? 0),
      seatUnitAmountCents: Number(row.sub_seat_unit_amount_cents ?? 0),
      priceOverrideCents: row.sub_price_override_cents === null ? null : Number(row.sub_price_override_cents),
    }),
    billingDaysRemaining: daysBetweenCeil(now, new Date(row.sub_current_period_end)),
    nextBillingDate: new Date(row.sub_current_period_end).toISOString(),
    enforcementPaused: row.sub_enforcement_paused,
  };
}
