import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const DEV_JWT_SECRET = 'development-only-secret-change-me-0123456789';
/** Development default of the bootstrap platform owner (never used when NODE_ENV=production). */
export const DEV_BOOTSTRAP_OWNER = { email: 'owner@example.com', password: 'change-me-owner-password' };

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/control_plane'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
      .default('redis://127.0.0.1:6379/0'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    IDEMPOTENCY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
    JWT_REFRESH_TTL_SECONDS: z.coerce.number().int().min(60).default(2592000),
    JWT_REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
    BOOTSTRAP_OWNER_EMAIL: z.string().email('must be an email address').optional(),
    BOOTSTRAP_OWNER_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    MIGRATIONS_RUN: bool.default(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TENANT_PURGE_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
    BILLING_LIFECYCLE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    BILLING_ISSUER_NAME: z.string().min(1).max(200).default('SaaS Control Plane'),
    PAYMENT_GATEWAY: z.enum(['sandbox', 'manual']).optional(),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
    AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    SERVICE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
    TENANT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
    TENANT_RATE_LIMIT_BURST: z.coerce.number().int().min(0).max(1_000_000).default(1000),
    TRUST_PROXY: z.string().min(1).default('loopback'),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
    DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    WEBHOOK_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    WEBHOOK_ALLOWED_PRIVATE_TARGETS: z
      .string()
      .regex(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/, 'must be a comma-separated list of IP addresses')
      .optional(),
    WEBHOOK_RETRY_SCHEDULE_SECONDS: z
      .string()
      .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?){0,19}$/, 'must be a comma-separated list of at most 20 delays in seconds')
      .default('5,300,1800,7200,18000,36000,36000'),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
    WEBHOOK_DISABLE_AFTER_FAILING_DAYS: z.coerce.number().min(0.0001).max(90).default(5),
    STAFF_2FA_REQUIRED: bool.default(false),
    STAFF_2FA_ISSUER: z.string().trim().min(1).max(100).regex(/^[^:]+$/, 'must not contain a colon (it separates issuer and account in an otpauth:// label)').default('Control Plane'),
    STAFF_2FA_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    EXPORTS_DIR: z.string().min(1).default('./var/exports'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
      if (!env.PAYMENT_GATEWAY) ctx.addIssue({ code: 'custom', path: ['PAYMENT_GATEWAY'], message: 'is required when NODE_ENV=production (sandbox or manual)' });
    }
    if (!!env.BOOTSTRAP_OWNER_EMAIL !== !!env.BOOTSTRAP_OWNER_PASSWORD && env.NODE_ENV === 'production') {
      const missing = env.BOOTSTRAP_OWNER_EMAIL ? 'BOOTSTRAP_OWNER_PASSWORD' : 'BOOTSTRAP_OWNER_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set together with its pair' });
    }
    if (env.NODE_ENV === 'production' && env.WEBHOOK_ALLOWED_PRIVATE_TARGETS) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOWED_PRIVATE_TARGETS'], message: 'is a test-only switch and must not be set when NODE_ENV=production' });
    }
  });

/** Typed, validated configuration of the service. Durations carry their unit in the name. */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  jwt: {
    secret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** Seconds after a rotation in which presenting the old refresh token is a concurrent refresh, not a reuse. */
    refreshReuseGraceSeconds: number;
    issuer: string;
    audience: string;
  };
  /**
   * Input keying material of the idempotency store's keys (request fingerprints and encrypted
   * stored responses), IDEMPOTENCY_SECRET; when unset, derived from JWT_SECRET with HKDF under its
   * own label, so neither secret is ever used as the other's key (src/common/http/idempotency-keys.ts).
   */
  idempotencySecret: string | null;
  bootstrapOwner: { email: string; password: string } | null;
  migrationsRun: boolean;
  logLevel: string;
  tenantPurgeGraceDays: number;
  outboxRelayIntervalMs: number;
  /** How often the billing lifecycle job runs (trial reminders and ends, renewals), ms. */
  billingLifecycleIntervalMs: number;
  /** The company name printed at the top of invoices and credit notes. */
  billingIssuerName: string;
  /** Payment gateway adapter: `sandbox` (deterministic test cards) or `manual` (nothing charged; offline payments only). */
  paymentGateway: 'sandbox' | 'manual';
  shutdownTimeoutMs: number;
  /** Requests per minute per client IP on the /auth routes (@nestjs/throttler, Redis storage). */
  authRateLimitPerMinute: number;
  /** Requests per minute per product-module service client on the /service routes (Redis, all instances). */
  serviceRateLimitPerMinute: number;
  /**
   * The platform default of a tenant's request rate, for tenants whose plan sets none and who have
   * no override: sustained requests per minute and the burst allowance above it
   * (src/modules/platform/traffic).
   */
  tenantRateLimit: { requestsPerMinute: number; burst: number };
  /** Express `trust proxy` value: which proxies may set X-Forwarded-For ('false' trusts none). */
  trustProxy: string;
  /**
   * Backstops on every connection of the service's pool (PostgreSQL session settings), so that a
   * lock wait, a runaway statement or a transaction left open ends in an error instead of a hang.
   */
  database: { statementTimeoutMs: number; lockTimeoutMs: number; idleInTransactionTimeoutMs: number };
  /** Outbound webhook delivery (integrations context). */
  webhooks: {
    /** Input keying material of the key that seals stored webhook secrets; null: derived from JWT_SECRET with HKDF under its own label. */
    secretsKey: string | null;
    /**
     * Private or loopback IP addresses deliveries may reach anyway — a test-only switch (the e2e
     * receiver on 127.0.0.1), empty by default and refused in production.
     */
    allowedPrivateTargets: string[];
    /** Delays before the 2nd, 3rd, … attempt, seconds (jitter added); attempts = length + 1. */
    retryScheduleSeconds: number[];
    /** Per-attempt HTTP timeout, ms. */
    timeoutMs: number;
    /** An endpoint with no success for this many days is disabled. */
    disableAfterFailingDays: number;
    /** Endpoint URLs must be https (production). */
    requireHttps: boolean;
  };
  /** Two-factor authentication of platform staff (TOTP, RFC 6238; iam context). */
  staffTwoFactor: {
    /** STAFF_2FA_REQUIRED: owners and admins must pass (or, the first time, enroll) a second factor to sign in; support staff may opt in. */
    required: boolean;
    /** Issuer shown by authenticator apps (the otpauth:// `issuer` and label prefix), STAFF_2FA_ISSUER. */
    issuer: string;
    /** Input keying material of the key that seals TOTP secrets and peppers recovery code hashes; null: derived from JWT_SECRET with HKDF under its own label. */
    secretsKey: string | null;
  };
  /** Directory of the export store (EXPORTS_DIR), relative to the working directory or absolute; its disk is a system health component. */
  exportsDir: string;
  /**
   * Bearer token of the Prometheus scrape endpoint `GET /metrics` (METRICS_TOKEN, compared in
   * constant time); null: the endpoint is disabled and answers 404, in every environment.
   */
  metricsToken: string | null;
}

/** Thrown by {@link parseConfig}; `variable` names the offending environment variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

/**
 * Validates the environment and maps it to {@link AppConfig}.
 * @throws ConfigError naming the first invalid variable.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = result.data;
  const production = e.NODE_ENV === 'production';
  const owner =
    e.BOOTSTRAP_OWNER_EMAIL && e.BOOTSTRAP_OWNER_PASSWORD
      ? { email: e.BOOTSTRAP_OWNER_EMAIL.toLowerCase(), password: e.BOOTSTRAP_OWNER_PASSWORD }
      : production
        ? null
        : DEV_BOOTSTRAP_OWNER;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwt: {
      secret: e.JWT_SECRET ?? DEV_JWT_SECRET,
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: e.JWT_REFRESH_TTL_SECONDS,
      refreshReuseGraceSeconds: e.JWT_REFRESH_REUSE_GRACE_SECONDS,
      issuer: 'control-plane',
      audience: 'control-plane-api',
    },
    idempotencySecret: e.IDEMPOTENCY_SECRET ?? null,
    bootstrapOwner: owner,
    migrationsRun: e.MIGRATIONS_RUN,
    logLevel: e.LOG_LEVEL,
    tenantPurgeGraceDays: e.TENANT_PURGE_GRACE_DAYS,
    outboxRelayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS,
    billingLifecycleIntervalMs: e.BILLING_LIFECYCLE_INTERVAL_MS,
    billingIssuerName: e.BILLING_ISSUER_NAME,
    paymentGateway: e.PAYMENT_GATEWAY ?? 'sandbox',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    serviceRateLimitPerMinute: e.SERVICE_RATE_LIMIT_PER_MINUTE,
    tenantRateLimit: { requestsPerMinute: e.TENANT_RATE_LIMIT_PER_MINUTE, burst: e.TENANT_RATE_LIMIT_BURST },
    trustProxy: e.TRUST_PROXY,
    database: {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    webhooks: {
      secretsKey: e.WEBHOOK_SECRETS_KEY ?? null,
      allowedPrivateTargets: e.WEBHOOK_ALLOWED_PRIVATE_TARGETS ? e.WEBHOOK_ALLOWED_PRIVATE_TARGETS.split(',') : [],
      retryScheduleSeconds: e.WEBHOOK_RETRY_SCHEDULE_SECONDS.split(',').map(Number),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      disableAfterFailingDays: e.WEBHOOK_DISABLE_AFTER_FAILING_DAYS,
      requireHttps: production,
    },
    staffTwoFactor: {
      required: e.STAFF_2FA_REQUIRED,
      issuer: e.STAFF_2FA_ISSUER,
      secretsKey: e.STAFF_2FA_SECRETS_KEY ?? null,
    },
    exportsDir: e.EXPORTS_DIR,
    metricsToken: e.METRICS_TOKEN ?? null,
  };
}

/**
 * Parses the environment or ends the process with exit code 1 and one line naming the variable
 * (requirement: bad env stops the process, no stack trace).
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
