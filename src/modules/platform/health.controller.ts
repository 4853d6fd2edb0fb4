import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '../../common/auth';
import { ApiProblems } from '../../common/http';
import { AppError } from '../../common/errors';
import { REDIS } from '../../common/redis';
import { ShutdownState } from './shutdown-state';

class HealthComponentDto {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
}

class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

/** Terminus health check result: `info` lists healthy components, `error` the failing ones. */
class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthComponentDto' } }) info: Record<string, HealthComponentDto>;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthComponentDto' } }) error: Record<string, HealthComponentDto>;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthComponentDto' } }) details: Record<string, HealthComponentDto>;
}

/**
 * Liveness and readiness probes (not under /api/v1; no auth). Readiness is 503 `not_ready` when
 * PostgreSQL or Redis fails (naming it) and, with `draining: true`, from the shutdown signal on.
 */
@ApiTags('health')
@ApiExtraModels(HealthComponentDto)
@Public()
@Controller({ path: 'health' })
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'health_live', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'health_ready', summary: 'Readiness: PostgreSQL and Redis answer; 503 names the failing component' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblems('not_ready')
  async ready(): Promise<ReadinessDto> {
    // Draining: 503 at once, without probing, so the load balancer stops routing here while the
    // requests already accepted are answered (HttpDrain).
    if (this.shutdown.draining) throw new AppError('not_ready', 503, 'Not ready: the instance is shutting down.', { draining: true });
    try {
      return (await this.health.check([
        () => this.db.pingCheck('postgres', { timeout: 1500 }),
        async () => {
          const indicator = this.indicators.check('redis');
          try {
            await Promise.race([this.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500))]);
            return indicator.up();
          } catch (err) {
            return indicator.down({ message: (err as Error).message });
          }
        },
      ])) as unknown as ReadinessDto;
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as ReadinessDto;
      const failing = Object.keys(result.error ?? {});
      // The probe is public: driver messages (hosts, ports, user names) are logged, never sent.
      this.logger.warn(`not ready: ${JSON.stringify(result.error)}`);
      const components = Object.fromEntries(Object.entries(result.details ?? {}).map(([name, c]) => [name, { status: c.status }]));
      throw new AppError('not_ready', 503, `Not ready: ${failing.join(', ')} unavailable.`, { components, failing });
    }
  }
}
