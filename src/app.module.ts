import { BullModule } from '@nestjs/bull';
import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ThrottlerModule } from '@nestjs/throttler';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import { ClsModule } from 'nestjs-cls';
import { AuthenticationGuard, AuthModule, ModuleGuard, PolicyGuard, ServiceRateLimitGuard } from './common/auth';
import { ContextModule, requestIdOf, RequestStore } from './common/context';
import { ProblemFilter, validationExceptionFactory } from './common/errors';
import { EventsModule } from './common/events';
import { JobsModule } from './common/jobs';
import { ExportsMechanismModule } from './common/exports';
import { BackupsMechanismModule } from './common/backups';
import { RejectNulCharactersPipe, TransactionInterceptor } from './common/http';
import { LoggingModule } from './common/logging';
import { REDIS, RedisModule } from './common/redis';
import { ClockModule } from './common/time';
import { PartnersModule, WebhooksModule } from './modules/integrations';
import { AlertsModule, NotificationsModule, TenantHealthModule } from './modules/notifications';
import { APP_CONFIG, AppConfig, ConfigModule } from './config';
import { LazyTransactionalAdapterTypeOrm } from './database/lazy-transaction.adapter';
import { buildDataSourceOptions } from './database/typeorm-options';
import { AuditInterceptor, AuditModule } from './modules/audit';
import { BillingModule } from './modules/billing';
import { ComplianceModule } from './modules/compliance';
import { IamModule } from './modules/iam';
import { ImpersonationModule } from './modules/impersonation';
import { PlansModule, QuotaGuard, QuotaPrecheckPipe } from './modules/plans';
import { MaintenanceGuard, PlatformModule, TenantTrafficGuard } from './modules/platform';
import { TenantsModule } from './modules/tenants';
import { UsageModule } from './modules/usage';

/**
 * Infrastructure every context relies on: config, logging, CLS + transactions, PostgreSQL,
 * Redis, Bull, rate limiting, the event bus, auth mechanism. No global guard, pipe, interceptor
 * or filter lives here (benchmarks compare against this, bench/README.md).
 */
export const INFRASTRUCTURE_IMPORTS = [
  ConfigModule,
  ClockModule,
  LoggingModule,
  ClsModule.forRoot({
    global: true,
    middleware: {
      mount: true,
      generateId: true,
      idGenerator: (req: Request) => requestIdOf(req),
      setup: (cls, req: Request, res: Response) => {
        requestIdOf(req, res);
        const store = cls as unknown as { set<K extends keyof RequestStore>(k: K, v: RequestStore[K]): void };
        store.set('ip', req.ip);
        store.set('userAgent', req.headers['user-agent']);
        store.set('state', { audit: {}, auditWritten: false });
      },
    },
    plugins: [
      new ClsPluginTransactional({
        imports: [TypeOrmModule],
        adapter: new LazyTransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
      }),
    ],
  }),
  TypeOrmModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      ...buildDataSourceOptions(config.databaseUrl, {}, config.database),
      autoLoadEntities: true,
      migrationsRun: config.migrationsRun,
    }),
  }),
  RedisModule,
  BullModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({ url: config.redisUrl, prefix: 'cp' }),
  }),
  ThrottlerModule.forRootAsync({
    inject: [APP_CONFIG, REDIS],
    useFactory: (config: AppConfig, redis: Redis) => ({
      throttlers: [{ name: 'auth', ttl: 60_000, limit: config.authRateLimitPerMinute }],
      storage: new ThrottlerStorageRedisService(redis),
    }),
  }),
  EventEmitterModule.forRoot({ wildcard: false, maxListeners: 50 }),
  ContextModule,
  AuthModule,
  EventsModule,
  JobsModule,
  ExportsMechanismModule,
  BackupsMechanismModule,
];

/**
 * Composes the bounded contexts and registers the global pipeline, in this order (CONVENTIONS §4):
 * maintenance (tenant routes, before reading credentials) → authentication → policy
 * (kind/role/scopes, impersonation) → service rate limit → tenant traffic (maintenance on shared
 * routes, tenant request rate) → suspension → module entitlement → ValidationPipe → quota
 * pre-check → handler, wrapped by the TransactionInterceptor (outermost: one transaction per
 * mutating request) and, inside it, the AuditInterceptor (its success row, before commit);
 * errors leave through the ProblemFilter (failure rows, after rollback). docs/adr/0015.
 */
@Module({
  imports: [
    ...INFRASTRUCTURE_IMPORTS,
    AuditModule,
    PartnersModule,
    WebhooksModule,
    NotificationsModule,
    // Before TenantsModule: its GET /admin/tenants/health-summary must not be read as GET /admin/tenants/:tenantId.
    TenantHealthModule,
    AlertsModule,
    UsageModule,
    PlansModule,
    IamModule,
    BillingModule,
    // Before TenantsModule: its routes under /admin/tenants/:tenantId/gdpr/… are its own.
    ComplianceModule,
    TenantsModule,
    ImpersonationModule,
    PlatformModule,
  ],
  providers: [
    // Before authentication: maintenance answers tenant routes without reading the credential.
    { provide: APP_GUARD, useExisting: MaintenanceGuard },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: PolicyGuard },
    { provide: APP_GUARD, useClass: ServiceRateLimitGuard },
    // The tenant's request rate (and maintenance on shared routes) once the actor is known, before
    // suspension, module and quota checks: 429 comes before 402/403 (src/modules/platform/traffic).
    { provide: APP_GUARD, useExisting: TenantTrafficGuard },
    { provide: APP_GUARD, useExisting: QuotaGuard },
    { provide: APP_GUARD, useClass: ModuleGuard },
    { provide: APP_PIPE, useClass: RejectNulCharactersPipe },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        exceptionFactory: validationExceptionFactory,
      }),
    },
    // After validation: a malformed body is a 400 even when the tenant is over quota (ADR 0012).
    { provide: APP_PIPE, useExisting: QuotaPrecheckPipe },
    // Interceptors nest in registration order: the transaction first (outermost), then the audit
    // row recorded into it, so the change and its row commit together (docs/adr/0015).
    { provide: APP_INTERCEPTOR, useClass: TransactionInterceptor },
    { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class AppModule {}
