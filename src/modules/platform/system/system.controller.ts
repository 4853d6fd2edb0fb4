import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp } from '../../../common/http';
import { DashboardDto } from './dashboard.dto';
import { DashboardQueries } from './dashboard.service';
import { InstanceHeartbeat } from './instance-heartbeat';
import { SystemHealthDto, SystemMetricsDto, SystemServicesDto } from './system.dto';
import { SystemHealth } from './system-health.service';
import { SystemMetrics } from './system-metrics.service';

/** System visibility for staff (every staff role reads): component health, running instances, traffic and queue metrics. */
@ApiTags('system')
@PlatformAuth()
@Controller('admin/system')
export class AdminSystemController {
  constructor(
    private readonly health: SystemHealth,
    private readonly heartbeat: InstanceHeartbeat,
    private readonly metrics: SystemMetrics,
  ) {}

  @Get('health')
  @ApiOp(
    'adminSystem_health',
    'Health of each component: PostgreSQL, Redis, job queues, outbox lag, export store disk',
    [],
    'A report, not a probe: it answers 200 with `status: "down"` for a failing component (the readiness probe GET /health/ready is the one that answers 503). Each component is probed side by side and cut off at 1 s, so the answer takes at most about a second. `status` is the worst component status.',
  )
  @ApiOkResponse({ type: SystemHealthDto })
  async getHealth(): Promise<SystemHealthDto> {
    return this.health.check();
  }

  @Get('services')
  @ApiOp(
    'adminSystem_services',
    'Instances of the service seen in the last minute, with version and uptime',
    [],
    'Every instance writes a heartbeat to Redis every 10 s; an instance is listed while its last heartbeat is under 60 s old, and leaves the list at once when it shuts down gracefully. `self` marks the instance that answered.',
  )
  @ApiOkResponse({ type: SystemServicesDto })
  async services(): Promise<SystemServicesDto> {
    const data = await this.heartbeat.seen();
    return { data, total: data.length };
  }

  @Get('metrics')
  @ApiOp(
    'adminSystem_metrics',
    'API latency (p50/p95/p99) and error rate per route group over 5 min, 1 h and 24 h; queue depth; outbox lag; webhook success rate; database size and growth',
    [],
    'Traffic figures are the whole cluster’s: each instance counts its responses per minute and adds them to Redis every 10 s (so another instance’s last seconds may be missing). Percentiles are estimates from fixed latency buckets merged across instances (see `latencyMs`). Database growth compares with the latest daily sample before today (taken by the first read of each UTC day). For Prometheus, scrape GET /metrics instead.',
  )
  @ApiOkResponse({ type: SystemMetricsDto })
  async getMetrics(): Promise<SystemMetricsDto> {
    return this.metrics.report();
  }
}

/** The super-admin dashboard (every staff role reads). */
@ApiTags('dashboard')
@PlatformAuth()
@Controller('admin/dashboard')
export class AdminDashboardController {
  constructor(private readonly queries: DashboardQueries) {}

  @Get()
  @ApiOp(
    'adminDashboard_get',
    'Platform at a glance: tenants by status, MRR, trials expiring, users and active today, new tenants this month, top usage outliers, open alerts',
    [],
    'Counts of the whole platform at this instant; money in minor units with its ISO 4217 currency; days and months in UTC. Each field says how it is defined.',
  )
  @ApiOkResponse({ type: DashboardDto })
  async get(): Promise<DashboardDto> {
    return this.queries.dashboard();
  }
}
