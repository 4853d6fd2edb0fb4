import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPONENT_STATUSES, ComponentStatus } from './system-health.service';

/** One component of the system health report. */
export class ComponentHealthDto {
  @ApiProperty({ enum: ['postgres', 'redis', 'queues', 'outbox', 'exportStore'], example: 'postgres', description: 'The component: PostgreSQL, Redis, the Bull job queues, the event outbox, the export store directory (EXPORTS_DIR)' })
  name: 'postgres' | 'redis' | 'queues' | 'outbox' | 'exportStore';
  @ApiProperty({
    enum: COMPONENT_STATUSES,
    example: 'up',
    description:
      '`up`; `degraded`: answers but slowly or behind (PostgreSQL/Redis round trip > 250 ms, a queue whose oldest waiting job is older than 300 s, an outbox event undispatched for more than 60 s, less than 5 % free disk on the export store); `down`: failed or no answer within 1,000 ms (missing or unwritable export directory)',
  })
  status: ComponentStatus;
  @ApiProperty({ example: 1.8, description: 'How long the probe took, ms (at most about 1,000: probes are cut off at 1 s)' }) latencyMs: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { query: 'SELECT 1' },
    description:
      'What was measured. postgres: `query`; redis: `reply`; queues: `queues` (per queue counts, as in GET /admin/system/metrics) and `stalled`; outbox: `undispatched`, `oldestAgeSeconds`; exportStore: `path`, `freeBytes`, `totalBytes`, `freeRatio`; on failure: `error`',
  })
  detail: Record<string, unknown>;
}

/** GET /admin/system/health. */
export class SystemHealthDto {
  @ApiProperty({ enum: COMPONENT_STATUSES, example: 'up', description: 'The worst component status (`down` if any is down, else `degraded` if any is degraded)' }) status: ComponentStatus;
  @ApiProperty({ example: '2026-05-04T09:30:00.000Z', description: 'When the probes ran (ISO 8601 UTC)' }) checkedAt: string;
  @ApiProperty({
    type: [ComponentHealthDto],
    example: [
      { name: 'postgres', status: 'up', latencyMs: 1.8, detail: { query: 'SELECT 1' } },
      { name: 'redis', status: 'up', latencyMs: 0.6, detail: { reply: 'PONG' } },
      { name: 'queues', status: 'up', latencyMs: 4.2, detail: { queues: [{ name: 'webhooks', waiting: 0, running: 1, delayed: 3, failed: 0, paused: 0, oldestWaitingAgeSeconds: null }] } },
      { name: 'outbox', status: 'up', latencyMs: 2.1, detail: { undispatched: 0, oldestAgeSeconds: 0, degradedAfterSeconds: 60 } },
      { name: 'exportStore', status: 'down', latencyMs: 0.3, detail: { path: './var/exports', error: 'the directory does not exist' } },
    ],
    description: 'Each component, in this order: postgres, redis, queues, outbox, exportStore',
  })
  components: ComponentHealthDto[];
}

/** An instance of the service seen in the last minute. */
export class ServiceInstanceDto {
  @ApiProperty({ example: 'api-7d9f-12-4a1b2c', description: 'Instance id: host name, process id and a random suffix, new at each start' }) instanceId: string;
  @ApiProperty({ example: '0.1.0', description: 'The running version (package.json `version`)' }) version: string;
  @ApiProperty({ example: '2026-05-04T08:00:00.000Z', description: 'Process start (ISO 8601 UTC)' }) startedAt: string;
  @ApiProperty({ example: 5400, description: 'Seconds since `startedAt`, when this answer was made' }) uptimeSeconds: number;
  @ApiProperty({ example: '2026-05-04T09:29:55.000Z', description: 'Last heartbeat (instances beat every 10 s; one silent for 60 s is no longer listed, one shut down gracefully leaves at once)' }) lastSeenAt: string;
  @ApiProperty({ example: 'api-7d9f' }) hostname: string;
  @ApiProperty({ example: 12, description: 'Process id on its host' }) pid: number;
  @ApiProperty({ example: true, description: 'Whether this instance answered the request' }) self: boolean;
}

/** GET /admin/system/services. */
export class SystemServicesDto {
  @ApiProperty({ type: [ServiceInstanceDto], description: 'Instances with a heartbeat in the last 60 s, oldest start first' }) data: ServiceInstanceDto[];
  @ApiProperty({ example: 2, description: 'How many instances are listed' }) total: number;
}

/** Latency percentiles, ms. */
export class LatencyPercentilesDto {
  @ApiProperty({ example: 12.4, description: 'Median response time, ms' }) p50: number;
  @ApiProperty({ example: 88.1, description: '95th percentile, ms' }) p95: number;
  @ApiProperty({ example: 240.5, description: '99th percentile, ms' }) p99: number;
}

/** Traffic of one route group in one window. */
export class RouteGroupMetricsDto {
  @ApiProperty({ example: 'admin', description: 'Route group: first path segment after /api/v1 (`admin`, `tenant`, `service`, `auth`, `oauth`, …), the first segment of a route outside it (`health`, `metrics`), `unmatched` for unknown paths, `all` in `allGroups`' }) group: string;
  @ApiProperty({ example: 1520, description: 'Responses in the window, all instances' }) requests: number;
  @ApiProperty({ example: 31, description: 'Responses with a 4xx status' }) clientErrors: number;
  @ApiProperty({ example: 2, description: 'Responses with a 5xx status' }) serverErrors: number;
  @ApiProperty({ example: 0.0013, description: 'serverErrors / requests (0 to 1); 0 without requests' }) errorRate: number;
  @ApiProperty({ example: 21.7, description: 'Mean response time, ms' }) meanMs: number;
  @ApiProperty({
    type: LatencyPercentilesDto,
    description:
      'Estimated from fixed-bucket histograms (bounds 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms) merged across instances and minutes, with linear interpolation inside a bucket (as PromQL histogram_quantile): accurate to the width of the bucket holding the percentile; above 10,000 ms it answers 10000',
  })
  latencyMs: LatencyPercentilesDto;
}

/** Traffic in one window. */
export class TrafficWindowDto {
  @ApiProperty({ enum: ['5m', '1h', '24h'], example: '5m' }) window: string;
  @ApiProperty({ example: 5, description: 'Window length in minutes: the current (partial) UTC minute and the ones before it, so it covers between minutes − 1 and minutes' }) minutes: number;
  @ApiProperty({ type: RouteGroupMetricsDto, description: 'All route groups together (`group: "all"`)' }) allGroups: RouteGroupMetricsDto;
  @ApiProperty({ type: [RouteGroupMetricsDto], description: 'Per route group, by name' }) routeGroups: RouteGroupMetricsDto[];
}

/** A Bull queue's jobs right now. */
export class QueueStatDto {
  @ApiProperty({ example: 'webhooks', description: 'Queue name' }) name: string;
  @ApiProperty({ example: 0, description: 'Jobs ready to run, not yet picked up' }) waiting: number;
  @ApiProperty({ example: 1, description: 'Jobs being processed now (Bull’s `active` state)' }) running: number;
  @ApiProperty({ example: 3, description: 'Jobs scheduled for later (retries with back-off, repeatable jobs)' }) delayed: number;
  @ApiProperty({ example: 0, description: 'Failed jobs kept by the queue' }) failed: number;
  @ApiProperty({ example: 0, description: 'Jobs of a paused queue' }) paused: number;
  @ApiProperty({ type: 'number', nullable: true, example: null, description: 'Age of the oldest waiting job, seconds; null when none waits' }) oldestWaitingAgeSeconds: number | null;
}

/** Outbox lag. */
export class OutboxLagDto {
  @ApiProperty({ example: 0, description: 'Committed domain events not yet dispatched to their consumers' }) undispatched: number;
  @ApiProperty({ example: 0, description: 'Age of the oldest of them, seconds (0 when none)' }) oldestAgeSeconds: number;
}

/** Webhook delivery attempts in a window. */
export class WebhookSuccessDto {
  @ApiProperty({ enum: ['1h', '24h'], example: '24h' }) window: string;
  @ApiProperty({ example: 420, description: 'HTTP delivery attempts (every endpoint, tenant and platform)' }) attempts: number;
  @ApiProperty({ example: 412, description: 'Attempts answered 2xx' }) succeeded: number;
  @ApiProperty({ type: 'number', nullable: true, example: 0.981, description: 'succeeded / attempts (0 to 1); null without attempts' }) successRate: number | null;
}

/** A daily database-size sample. */
export class DatabaseSampleDto {
  @ApiProperty({ example: '2026-05-03', description: 'UTC day of the sample (its first reading that day)' }) day: string;
  @ApiProperty({ example: 52_428_800, description: 'Database size then, bytes' }) sizeBytes: number;
}

/** Database size and growth. */
export class DatabaseSizeDto {
  @ApiProperty({ example: 53_477_376, description: 'pg_database_size of the service’s database, bytes' }) sizeBytes: number;
  @ApiPropertyOptional({ type: DatabaseSampleDto, nullable: true, description: 'The latest daily sample before today (samples kept 8 days); null before the first full day' }) previousSample: DatabaseSampleDto | null;
  @ApiProperty({ type: 'number', nullable: true, example: 1_048_576, description: 'sizeBytes − previousSample.sizeBytes, bytes (negative after a shrink); null without a previous sample' }) growthBytes: number | null;
}

/** GET /admin/system/metrics. */
export class SystemMetricsDto {
  @ApiProperty({ example: '2026-05-04T09:30:00.000Z', description: 'When the figures were read (ISO 8601 UTC)' }) generatedAt: string;
  @ApiProperty({ type: [TrafficWindowDto], description: 'API traffic of all instances over the last 5 minutes, hour and 24 hours (counts flushed to Redis every 10 s; the answering instance’s own counts are always current)' }) windows: TrafficWindowDto[];
  @ApiProperty({ type: [QueueStatDto], description: 'Every job queue, by name' }) queues: QueueStatDto[];
  @ApiProperty({ type: OutboxLagDto }) outbox: OutboxLagDto;
  @ApiProperty({ type: [WebhookSuccessDto], description: 'Webhook delivery success over the last hour and 24 hours' }) webhooks: WebhookSuccessDto[];
  @ApiProperty({ type: DatabaseSizeDto }) database: DatabaseSizeDto;
}
