import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { MaintenanceDto, UpdateMaintenanceDto } from './dto/maintenance.dto';
import { MaintenanceService } from './maintenance.service';

/**
 * Maintenance mode for platform staff. While on, every tenant route (tenant users, partner API
 * keys, product-module services) answers 503 `maintenance` with Retry-After and the message;
 * staff routes, /health/live, /health/ready (still ready: the instance serves) and the docs keep
 * working. Changes by owners and admins, audited.
 */
@ApiTags('maintenance')
@AuditResource('platform', 'maintenance')
@PlatformAuth()
@Controller('admin/system/maintenance')
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Get()
  @ApiOp('adminMaintenance_get', 'Get the maintenance state: whether it is on, the message, until when, who started it')
  @ApiOkResponse({ type: MaintenanceDto })
  get(): Promise<MaintenanceDto> {
    return this.maintenance.get();
  }

  @Put()
  @Audited('maintenance.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp(
    'adminMaintenance_update',
    'Start, change or end maintenance mode',
    ['validation_failed'],
    'Every instance applies it within a second. With `until`, maintenance ends by itself then, and tenants get Retry-After up to it; without, Retry-After is 300 s.',
  )
  @ApiOkResponse({ type: MaintenanceDto })
  update(@Body() dto: UpdateMaintenanceDto): Promise<MaintenanceDto> {
    return this.maintenance.update(dto);
  }
}
