import type { Tenant } from './entities/tenant.entity';
import type { TenantDto, TenantListItemDto } from './dto/tenant.dto';
import { PlanSubscriptionColumns, toSubscriptionSummary } from '../billing';

const DAY_MS = 86_400_000;

/** ISO 8601 UTC of a date, or null. */
export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Whole days left until `trialEndsAt`, rounded up and never negative; null without a trial. */
export function trialDaysRemaining(trialEndsAt: Date | string | null, now = Date.now()): number | null {
  if (!trialEndsAt) return null;
  return Math.max(0, Math.ceil((new Date(trialEndsAt).getTime() - now) / DAY_MS));
}

/** `round(used / limit × 100)`; null when unlimited; a zero limit reads 0 % when unused, else 100 %. */
export function usagePercent(used: number, limit: number | null): number | null {
  if (limit === null) return null;
  if (limit === 0) return used > 0 ? 100 : 0;
  return Math.round((used * 100) / limit);
}

/** One row of the staff tenant list's read model (tenants ⨝ quota ⨝ plan ⨝ member counter ⨝ plan subscription, docs/adr/0004). */
export interface TenantListRow extends PlanSubscriptionColumns {
  id: string;
  name: string;
  slug: string;
  status: string;
  tags: string[];
  created_at: Date;
  billing_status: string;
  trial_ends_at: Date | null;
  plan_code: string;
  plan_name: string;
  /** bigint, as a string. */
  member_count: string | null;
  members_limit: number | null;
  /** The latest health snapshot (NULL until the tenant is first scored). */
  latest_health_score: number | null;
  latest_health_risk: string | null;
  latest_health_day: string | null;
}

/** A tenant list row as the API shows it; `now` (ms) fixes the trial's days remaining. */
export function toTenantListItem(r: TenantListRow, now = Date.now()): TenantListItemDto {
  const used = Number(r.member_count ?? 0);
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    status: r.status,
    billingStatus: r.billing_status,
    plan: { code: r.plan_code, name: r.plan_name },
    trialEndsAt: iso(r.trial_ends_at),
    trialDaysRemaining: trialDaysRemaining(r.trial_ends_at, now),
    tags: r.tags,
    usage: { members: { used, limit: r.members_limit, percent: usagePercent(used, r.members_limit) } },
    subscription: toSubscriptionSummary(r, used, new Date(now)),
    health: r.latest_health_score === null ? null : { score: r.latest_health_score, risk: r.latest_health_risk!, day: r.latest_health_day! },
    createdAt: iso(r.created_at)!,
  };
}

/** The strong ETag of a tenant (RFC 9110 §8.8.3): its version in quotes. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Whether an `If-Match` header value matches the current ETag (RFC 9110 §13.1.1: strong
 * comparison, `*` matches any current representation, a list matches if any member does).
 */
export function ifMatchSatisfied(header: string, version: number): boolean {
  const current = etagOf(version);
  return header
    .split(',')
    .map((v) => v.trim())
    .some((v) => v === '*' || v === current);
}

/** Maps a tenant entity to its public profile shape (ISO 8601 UTC times). */
export function toTenantDto(t: Tenant): TenantDto {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    status: t.status,
    contactEmail: t.contactEmail,
    contactPhone: t.contactPhone,
    billingEmail: t.billingEmail,
    timezone: t.timezone,
    currency: t.currency,
    locale: t.locale,
    tags: t.tags,
    suspendedReason: t.suspendedReason,
    suspendedAt: iso(t.suspendedAt),
    deletedAt: iso(t.deletedAt),
    purgeAfter: iso(t.purgeAfter),
    version: t.version,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}
