/**
 * The tenant health and risk model: what the control plane knows of a tenant (sign-ins, active
 * users, seats, metered usage, payments, trial, support load, webhooks) turned into a score
 * 0–100 and a risk level, with every signal's value, weight, contribution and a sentence that
 * explains it. Pure and versioned: a change of weights or thresholds is a new version, and
 * snapshots record the version that computed them (docs/adr/0027).
 */

/** Version of the model below; stored with every snapshot. */
export const HEALTH_MODEL_VERSION = 'v1';

/** The facts the model reads, gathered for one tenant at `now` (UTC); windows are 30 days. */
export interface TenantHealthFacts {
  /** Successful sign-ins of the tenant's users in the last 30 days, and in the 30 days before. */
  signIns30d: number;
  signInsPrev30d: number;
  /** Distinct users who signed in within 30 days, and active user accounts. */
  activeUsers30d: number;
  userAccounts: number;
  /** Seats used and the seat limit (null: unlimited). */
  seatsUsed: number;
  seatLimit: number | null;
  /** Sum of metered usage (usage events) in the last 30 days and the 30 days before. */
  meteredUsage30d: number;
  meteredUsagePrev30d: number;
  /** Failed payment attempts in the last 30 days; invoices still open more than a day after their due date. */
  failedPayments30d: number;
  pastDueInvoices: number;
  /** Days left of a trial (null: not on a trial). */
  trialDaysLeft: number | null;
  /**
   * Support load, the ticket proxy: impersonation sessions in the last 30 days plus staff notes
   * of the last 30 days that carry `#support`.
   */
  supportTouches30d: number;
  /** Webhook endpoints, and those failing (disabled by failures, breaker open, or ≥ 5 failures in a row). */
  webhookEndpoints: number;
  failingWebhookEndpoints: number;
}

/** Signal names, in the order they are listed. */
export const HEALTH_SIGNALS = ['sign_in_trend', 'active_users', 'seat_utilisation', 'module_usage', 'payments', 'trial', 'support_load', 'webhooks'] as const;
export type HealthSignalName = (typeof HEALTH_SIGNALS)[number];

/** Weights (relative; the applicable ones are normalised to 100 points) and thresholds of v1. */
export const HEALTH_MODEL = {
  version: HEALTH_MODEL_VERSION,
  weights: { sign_in_trend: 20, active_users: 15, seat_utilisation: 10, module_usage: 15, payments: 20, trial: 10, support_load: 5, webhooks: 5 } satisfies Record<HealthSignalName, number>,
  /** Seat utilisation at or above this share is healthy; below it the signal falls linearly to 0. */
  healthySeatShare: 0.5,
  /** Each failed payment (30 d) costs this share of the payments signal; each past-due invoice this. */
  failedPaymentPenalty: 0.25,
  pastDueInvoicePenalty: 0.5,
  /** A trial with at least this many days left is healthy; fewer fall linearly to 0 at the end. */
  trialHealthyDays: 7,
  /** Each support touch (30 d) costs this share of the support signal. */
  supportTouchPenalty: 0.2,
  /** Risk levels: a score at or above `low` is low risk, at or above `medium` medium, else high. */
  risk: { low: 70, medium: 40 },
} as const;

/** low | medium | high. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** One signal's part of the score. */
export interface HealthSignal {
  name: HealthSignalName;
  /** The signal's own health, 0 (worst) – 1 (best); null when it does not apply to this tenant. */
  value: number | null;
  /** Share of the score it carries, in points (0 when it does not apply); the weights add up to 100. */
  weight: number;
  /** Points it contributes (weight × value). */
  contribution: number;
  /** Points it costs the tenant (weight − contribution): the top reason is the largest. */
  loss: number;
  explanation: string;
}

/** A computed score. */
export interface TenantHealthScore {
  score: number;
  risk: RiskLevel;
  signals: HealthSignal[];
  /** The signal that costs the most points, or null when nothing is lost. */
  topReason: string | null;
  modelVersion: string;
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The risk level of a score (thresholds of {@link HEALTH_MODEL}). */
export function riskOf(score: number): RiskLevel {
  return score >= HEALTH_MODEL.risk.low ? 'low' : score >= HEALTH_MODEL.risk.medium ? 'medium' : 'high';
}

/** Each signal's health (null: not applicable) and its explanation, from the facts. */
function evaluate(f: TenantHealthFacts): Record<HealthSignalName, { value: number | null; explanation: string }> {
  const m = HEALTH_MODEL;
  const change = (now: number, before: number) => (before === 0 ? '' : ` (${now >= before ? '+' : '−'}${Math.round(Math.abs(now / before - 1) * 100)} %)`);
  return {
    sign_in_trend: {
      value: f.signIns30d === 0 ? 0 : clamp(f.signIns30d / Math.max(1, f.signInsPrev30d)),
      explanation: `${f.signIns30d} sign-ins in the last 30 days vs ${f.signInsPrev30d} in the 30 days before${change(f.signIns30d, f.signInsPrev30d)}; a decline lowers the signal, 0 sign-ins scores 0.`,
    },
    active_users: {
      value: f.userAccounts === 0 ? null : clamp(f.activeUsers30d / f.userAccounts),
      explanation: f.userAccounts === 0 ? 'No active user accounts.' : `${f.activeUsers30d} of ${f.userAccounts} active users signed in within 30 days (${pct(f.activeUsers30d / f.userAccounts)}).`,
    },
    seat_utilisation: {
      value: f.seatLimit === null || f.seatLimit === 0 ? null : clamp(f.seatsUsed / f.seatLimit / m.healthySeatShare),
      explanation:
        f.seatLimit === null || f.seatLimit === 0
          ? 'Unlimited seats: not scored.'
          : `${f.seatsUsed} of ${f.seatLimit} seats used (${pct(f.seatsUsed / f.seatLimit)}); ${pct(m.healthySeatShare)} or more is healthy.`,
    },
    module_usage: {
      value: f.meteredUsage30d === 0 && f.meteredUsagePrev30d === 0 ? null : f.meteredUsage30d === 0 ? 0 : clamp(f.meteredUsage30d / Math.max(1, f.meteredUsagePrev30d)),
      explanation:
        f.meteredUsage30d === 0 && f.meteredUsagePrev30d === 0
          ? 'No metered module usage in 60 days: not scored.'
          : `${f.meteredUsage30d} metered units in the last 30 days vs ${f.meteredUsagePrev30d} before${change(f.meteredUsage30d, f.meteredUsagePrev30d)}.`,
    },
    payments: {
      value: clamp(1 - m.failedPaymentPenalty * f.failedPayments30d - m.pastDueInvoicePenalty * f.pastDueInvoices),
      explanation: `${f.failedPayments30d} failed payment${f.failedPayments30d === 1 ? '' : 's'} in 30 days, ${f.pastDueInvoices} past-due invoice${f.pastDueInvoices === 1 ? '' : 's'} open.`,
    },
    trial: {
      value: f.trialDaysLeft === null ? null : clamp(f.trialDaysLeft / m.trialHealthyDays),
      explanation: f.trialDaysLeft === null ? 'Not on a trial: not scored.' : `${f.trialDaysLeft} trial day${f.trialDaysLeft === 1 ? '' : 's'} left; ${m.trialHealthyDays} or more is healthy.`,
    },
    support_load: {
      value: clamp(1 - m.supportTouchPenalty * f.supportTouches30d),
      explanation: `${f.supportTouches30d} support touch${f.supportTouches30d === 1 ? '' : 'es'} in 30 days (impersonation sessions and #support notes, the ticket proxy).`,
    },
    webhooks: {
      value: f.webhookEndpoints === 0 ? null : f.failingWebhookEndpoints === 0 ? 1 : clamp(1 - f.failingWebhookEndpoints / f.webhookEndpoints),
      explanation: f.webhookEndpoints === 0 ? 'No webhook endpoints: not scored.' : `${f.failingWebhookEndpoints} of ${f.webhookEndpoints} webhook endpoints failing.`,
    },
  };
}

/**
 * The score of a tenant: Σ weight × health over the signals that apply, the weights of those
 * normalised to 100 points, rounded to an integer; risk by {@link riskOf}.
 */
export function computeHealth(f: TenantHealthFacts): TenantHealthScore {
  const evaluated = evaluate(f);
  const applicable = HEALTH_SIGNALS.filter((n) => evaluated[n].value !== null);
  const total = applicable.reduce((s, n) => s + HEALTH_MODEL.weights[n], 0);
  const signals: HealthSignal[] = HEALTH_SIGNALS.map((name) => {
    const { value, explanation } = evaluated[name];
    const weight = value === null || total === 0 ? 0 : (100 * HEALTH_MODEL.weights[name]) / total;
    const contribution = value === null ? 0 : weight * value;
    return { name, value: value === null ? null : Math.round(value * 1000) / 1000, weight: round1(weight), contribution: round1(contribution), loss: round1(weight - contribution), explanation };
  });
  const score = total === 0 ? 100 : Math.round(signals.reduce((s, x) => s + (x.value === null ? 0 : (100 * HEALTH_MODEL.weights[x.name] * x.value) / total), 0));
  const worst = [...signals].sort((a, b) => b.loss - a.loss)[0];
  return { score, risk: riskOf(score), signals, topReason: worst && worst.loss > 0 ? `${worst.name}: ${worst.explanation}` : null, modelVersion: HEALTH_MODEL_VERSION };
}
