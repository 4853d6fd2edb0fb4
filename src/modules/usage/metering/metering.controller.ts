import '../errors';
import { Body, Controller, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ServiceAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context/request-context';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { QuotaReservationDto, ReleaseQuotaDto, ReserveQuotaDto, UsageEventBatchDto, UsageEventBatchResultDto, UsageGaugeDto, UsageGaugeResultDto } from './metering.dto';
import { MeteringService } from './metering.service';

/** Quota reservations of product-module services (scope quota:reserve). */
@ApiTags('service')
@AuditResource('usage', 'quota_reservation')
@ServiceAuth('quota:reserve')
@Controller('service/quota')
export class ServiceQuotaController {
  constructor(
    private readonly metering: MeteringService,
    private readonly context: RequestContext,
  ) {}

  @Post('reservations')
  @Audited('quota.reserve')
  @ApiOp(
    'serviceQuota_reserve',
    'Reserve quota before creating a metered resource (race-safe, idempotent)',
    ['validation_failed', 'quota_exceeded', 'metric_not_reservable', 'idempotency_key_reused', 'tenant_not_found', 'tenant_suspended'],
    'One conditional update: of N concurrent reservations with k left, exactly k succeed. 201 with what is left; 402 `quota_exceeded` (metric, limit, used) when it does not fit. A retry with the same `idempotencyKey` answers 200 with the first answer and counts nothing again (a refused reservation is not kept: its retry is decided again); the same key with another request is a 422.',
  )
  @ApiCreatedResponse({ type: QuotaReservationDto })
  @ApiOkResponse({ type: QuotaReservationDto, description: 'A replay of an earlier reservation with the same idempotencyKey' })
  async reserve(@Body() dto: ReserveQuotaDto, @Res({ passthrough: true }) res: Response): Promise<QuotaReservationDto> {
    const { status, body } = await this.metering.reserve(this.context.actor.id!, dto);
    res.status(status);
    this.context.noteAudit({ tenantId: dto.tenantId, resourceId: body.reservationId, after: body });
    return body;
  }

  @Post('releases')
  @Audited('quota.release')
  @ApiOp(
    'serviceQuota_release',
    'Release quota when a resource is deleted (never below 0, idempotent)',
    ['validation_failed', 'metric_not_reservable', 'idempotency_key_reused', 'tenant_not_found'],
  )
  @ApiCreatedResponse({ type: QuotaReservationDto })
  @ApiOkResponse({ type: QuotaReservationDto, description: 'A replay of an earlier release with the same idempotencyKey' })
  async release(@Body() dto: ReleaseQuotaDto, @Res({ passthrough: true }) res: Response): Promise<QuotaReservationDto> {
    const { status, body } = await this.metering.release(this.context.actor.id!, dto);
    res.status(status);
    this.context.noteAudit({ tenantId: dto.tenantId, resourceId: body.reservationId, after: body });
    return body;
  }
}

/** Usage events of product-module services (scope usage:write). */
@ApiTags('service')
@AuditResource('usage', 'usage_event')
@ServiceAuth('usage:write')
@Controller('service/usage')
export class ServiceUsageEventsController {
  constructor(
    private readonly metering: MeteringService,
    private readonly context: RequestContext,
  ) {}

  @Put('gauges')
  @Audited('usage.gauge')
  @ApiOp(
    'serviceUsage_putGauge',
    'Report the module’s true count of a level it owns (projects, domains)',
    ['validation_failed', 'metric_not_reservable', 'tenant_not_found'],
    'The latest observation wins (an older `observedAt` is ignored). The nightly recount compares the counter with it and corrects any drift (an audit row and `usage.drift_corrected`).',
  )
  @ApiOkResponse({ type: UsageGaugeResultDto })
  gauge(@Body() dto: UsageGaugeDto): Promise<UsageGaugeResultDto> {
    return this.metering.gauge(this.context.actor.id!, dto);
  }

  @Post('events')
  @HttpCode(200)
  @Audited('usage.ingest')
  @ApiOp(
    'serviceUsage_ingestEvents',
    'Report 1–1,000 usage events (idempotent by eventId)',
    ['validation_failed'],
    'Each event is answered `accepted`, `duplicate` (this tenant’s eventId was seen before: never counted twice, never an error) or `rejected` with its reason. Retry a failed batch with the SAME eventIds. Accepted amounts add to the tenant’s period counter at once.',
  )
  @ApiOkResponse({ type: UsageEventBatchResultDto })
  ingest(@Body() batch: UsageEventBatchDto): Promise<UsageEventBatchResultDto> {
    return this.metering.ingest(batch);
  }
}
