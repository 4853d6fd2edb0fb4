import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError, NotFoundError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { CreateStaffDto, StaffDto, StaffListQueryDto, UpdateStaffDto } from './dto/staff.dto';
import { StaffMember } from './entities/staff-member.entity';
import { StaffCreatedEvent, StaffUpdatedEvent } from './events/staff.events';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { Page, toPage } from '../../common/http';

/** Maps a staff entity to its public shape (no password material). */
export function toStaffDto(s: StaffMember): StaffDto {
  return {
    id: s.id,
    email: s.email,
    fullName: s.fullName,
    role: s.role,
    isActive: s.isActive,
    lastLoginAt: s.lastLoginAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** Platform staff management (owner only at the controller). */
@Injectable()
export class StaffService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly events: EventBus,
    private readonly tokens: TokenService,
    private readonly context: RequestContext,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(StaffMember);
  }

  async list(query: StaffListQueryDto): Promise<Page<StaffDto>> {
    const [rows, total] = await this.repo.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toStaffDto), total, query);
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<StaffDto> {
    return toStaffDto(await this.find(id));
  }

  /** Creates a staff member; emits staff.created. @throws ConflictError `staff_email_taken` */
  async create(dto: CreateStaffDto): Promise<StaffDto> {
    const passwordHash = await this.hasher.hash(dto.password);
    const inserted = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ email: dto.email, fullName: dto.fullName, role: dto.role, passwordHash, isActive: true })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    if (!id) throw new ConflictError('staff_email_taken', `A staff member with email ${dto.email} already exists.`, { field: 'email' });
    const staff = await this.find(id);
    await this.events.publish(new StaffCreatedEvent(null, { staffId: id, email: staff.email, role: staff.role, isActive: true }));
    this.context.noteAudit({ resourceId: id, after: toStaffDto(staff) });
    return toStaffDto(staff);
  }

  /**
   * Updates name, role or active flag; emits staff.updated. Deactivation revokes the member's
   * refresh tokens at once. The last active owner can be neither demoted nor deactivated: all
   * active owner rows are locked first, so two concurrent demotions cannot both pass.
   * @throws NotFoundError | ConflictError `last_owner`
   */
  async update(id: string, dto: UpdateStaffDto): Promise<StaffDto> {
    const removesOwner = (dto.role !== undefined && dto.role !== 'owner') || dto.isActive === false;
    // Lock order: the active owners (by id) before the target row. Two owners demoting each other
    // then queue on the same first lock instead of deadlocking (which PostgreSQL ends with a 500).
    if (removesOwner) await this.lockActiveOwners();
    const before = await this.find(id, true);
    if (removesOwner && before.role === 'owner' && before.isActive) {
      // Counted again under the target's lock: an owner promoted meanwhile is included.
      if ((await this.lockActiveOwners()) <= 1) throw new ConflictError('last_owner', 'The last active owner cannot be demoted or deactivated.');
    }
    const changed = (['fullName', 'role', 'isActive'] as const).filter((k) => dto[k] !== undefined && dto[k] !== before[k]);
    if (changed.length) {
      await this.repo.update(id, { fullName: dto.fullName, role: dto.role, isActive: dto.isActive });
      if (dto.isActive === false) await this.tokens.revokeAllFor(id);
    }
    const after = await this.find(id);
    if (changed.length) {
      await this.events.publish(new StaffUpdatedEvent(null, { staffId: id, email: after.email, role: after.role, isActive: after.isActive, changed }));
    }
    this.context.noteAudit({ before: toStaffDto(before), after: toStaffDto(after) });
    return toStaffDto(after);
  }

  /** Locks every active owner row, in id order; returns how many there are. */
  private async lockActiveOwners(): Promise<number> {
    const owners = await this.repo
      .createQueryBuilder('s')
      .select('s.id')
      .setLock('pessimistic_write')
      .where(`s.role = 'owner' AND s.is_active = true`)
      .orderBy('s.id')
      .getMany();
    return owners.length;
  }

  private async find(id: string, lock = false): Promise<StaffMember> {
    const qb = this.repo.createQueryBuilder('s').where('s.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const staff = await qb.getOne();
    if (!staff) throw new NotFoundError('Staff member', id);
    return staff;
  }
}
