import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../../common/context';
import { ValidationError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { Clock } from '../../../common/time';
import { MaintenanceDto, UpdateMaintenanceDto } from './dto/maintenance.dto';
import { MaintenanceUpdatedEvent } from './traffic.events';
import { DEFAULT_MAINTENANCE_MESSAGE, MAINTENANCE_DEFAULT_RETRY_AFTER_SECONDS, MaintenanceMode, MaintenanceWindow } from './maintenance-mode';
import { wholeSeconds } from './traffic.errors';

/** Staff reads and changes of maintenance mode, audited by the calling route and published as `maintenance.updated`. */
@Injectable()
export class MaintenanceService {
  constructor(
    private readonly mode: MaintenanceMode,
    private readonly context: RequestContext,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /** The cluster's state, read from Redis. */
  async get(): Promise<MaintenanceDto> {
    return this.toDto(await this.mode.read());
  }

  /**
   * Starts, changes or ends maintenance. The Redis state is written inside the request's
   * transaction, after its checks: if Redis refuses, the change is not made and its audit row
   * records the failure. @throws ValidationError (`until` not in the future)
   */
  async update(dto: UpdateMaintenanceDto): Promise<MaintenanceDto> {
    const now = this.clock.now();
    if (dto.isActive && dto.until && dto.until.getTime() <= now.getTime()) throw new ValidationError([{ field: 'until', message: 'until must be in the future' }]);
    const before = this.toDto(await this.mode.read());
    if (dto.isActive) {
      const actor = this.context.actor;
      await this.mode.start({ message: dto.message ?? DEFAULT_MAINTENANCE_MESSAGE, until: dto.until ?? null, startedAt: now, startedBy: { type: actor.type, id: actor.id, email: actor.email } });
    } else {
      await this.mode.end();
    }
    const after = this.toDto(this.mode.current());
    await this.events.publish(new MaintenanceUpdatedEvent(null, { isActive: after.isActive, message: after.message, until: after.until }));
    this.context.noteAudit({ resourceId: 'maintenance', before, after });
    return after;
  }

  private toDto(w: MaintenanceWindow | null): MaintenanceDto {
    if (!w) return { isActive: false, message: null, until: null, startedAt: null, startedBy: null, retryAfterSeconds: null };
    return {
      isActive: true,
      message: w.message,
      until: w.until?.toISOString() ?? null,
      startedAt: w.startedAt.toISOString(),
      startedBy: w.startedBy,
      retryAfterSeconds: w.until ? wholeSeconds(w.until.getTime() - this.clock.now().getTime()) : MAINTENANCE_DEFAULT_RETRY_AFTER_SECONDS,
    };
  }
}
