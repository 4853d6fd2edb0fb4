import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../common/context';
import { ConflictError, NotFoundError } from '../../common/errors';
import { EventBus, UnitOfWork } from '../../common/events';
import { TenantDirectory } from '../../common/tenancy';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { NoActiveAdminError, TenantUserAccounts, TenantUserNotFoundError, TokenService } from '../iam';
import { IMPERSONATION_DEFAULT_MINUTES } from '../../common/auth';
import { AuditService } from '../audit';
import {
  ImpersonationListQueryDto,
  ImpersonationSessionDto,
  ImpersonationStatus,
  StartedImpersonationDto,
  StartImpersonationDto,
  TenantImpersonationDto,
  TenantImpersonationListQueryDto,
} from './dto/impersonation.dto';
import { ImpersonationEndReason, ImpersonationSession } from './entities/impersonation-session.entity';
import { ImpersonationEndedEvent, ImpersonationStartedEvent } from './events/impersonation.events';
import { Page, toPage } from '../../common/http';

/** `ended` when ended early, `expired` once `expiresAt` has passed, else `active`. */
function statusOf(s: ImpersonationSession, now = Date.now()): ImpersonationStatus {
  return s.endedAt ? 'ended' : s.expiresAt.getTime() > now ? 'active' : 'expired';
}

/** Maps a session to the staff view. */
export function toSessionDto(s: ImpersonationSession): ImpersonationSessionDto {
  return {
    id: s.id,
    staffId: s.staffId,
    staffEmail: s.staffEmail,
    tenantId: s.tenantId,
    targetUserId: s.targetUserId,
    targetUserEmail: s.targetUserEmail,
    reason: s.reason,
    ticketRef: s.ticketRef,
    durationMinutes: s.durationMinutes,
    startedAt: s.startedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    endedBy: s.endedBy,
    endReason: s.endReason,
    status: statusOf(s),
  };
}

/** Maps a session to the tenant admins' view (who, when, why, how long; no staff ids). */
function toTenantDto(s: ImpersonationSession): TenantImpersonationDto {
  const { staffId: _staffId, tenantId: _tenantId, endedBy: _endedBy, ...view } = toSessionDto(s);
  return view;
}

/** `iat`/`exp` of a token this service has just signed (no verification needed). */
function timesOf(jwt: string): { iat: number; exp: number } {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { iat: number; exp: number };
}

/**
 * Impersonation sessions (issue 3 §5): platform staff act as an active user of an active tenant
 * through a short-lived tenant access token that carries an RFC 8693 `act` claim
 * (`{ sub: staffId }`) and the session id (`sid`). There is no refresh token, so a session
 * cannot be extended; ending it revokes its token at once.
 */
@Injectable()
export class ImpersonationService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly tenants: TenantDirectory,
    private readonly accounts: TenantUserAccounts,
    private readonly tokens: TokenService,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(ImpersonationSession);
  }

  /**
   * Starts a session as the calling staff member; emits impersonation.started.
   * @throws NotFoundError `tenant_not_found` | ConflictError `tenant_not_active` (suspended or deleted; `state`) |
   * TenantUserNotFoundError 404 `user_not_found` (unknown, inactive or another tenant's user, or a staff id) |
   * NoActiveAdminError 409 `no_active_admin` (no userId given and the tenant has no active admin)
   */
  async start(dto: StartImpersonationDto): Promise<StartedImpersonationDto> {
    const staff = this.context.actor;
    this.context.noteAudit({ tenantId: dto.tenantId });
    // FOR SHARE: a suspension or deletion committing meanwhile waits for this session to be recorded.
    const tenant = await this.tenants.findById(dto.tenantId, { lockForShare: true });
    if (!tenant) throw new NotFoundError('Tenant', dto.tenantId);
    if (tenant.status !== 'active') {
      throw new ConflictError('tenant_not_active', `Tenant ${tenant.slug} is ${tenant.status}; only users of an active tenant can be impersonated.`, { state: tenant.status });
    }
    const user = await this.accounts.findActiveUser(tenant.id, dto.userId);
    if (!user && dto.userId) throw new TenantUserNotFoundError(`Tenant ${tenant.slug} has no active user ${dto.userId}.`);
    if (!user) throw new NoActiveAdminError(`Tenant ${tenant.slug} has no active admin to impersonate; pass a userId.`);
    const durationMinutes = dto.durationMinutes ?? IMPERSONATION_DEFAULT_MINUTES;
    const id = randomUUID();
    const accessToken = this.tokens.signAccessToken(
      { kind: 'tenant', id: user.id, email: user.email, role: user.role, tenantId: tenant.id },
      { act: { sub: staff.id! }, sid: id },
      durationMinutes * 60,
    );
    // The session's times are the token's own, so expiresAt is exactly its `exp`.
    const { iat, exp } = timesOf(accessToken);
    const session = this.repo.create({
      id,
      staffId: staff.id!,
      staffEmail: staff.email ?? '',
      tenantId: tenant.id,
      targetUserId: user.id,
      targetUserEmail: user.email,
      reason: dto.reason,
      ticketRef: dto.ticketRef ?? null,
      durationMinutes,
      startedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
      endedAt: null,
      endedBy: null,
      endReason: null,
    });
    await this.repo.insert(session);
    const saved = await this.repo.findOneByOrFail({ id });
    await this.events.publish(
      new ImpersonationStartedEvent(tenant.id, {
        sessionId: id,
        staffId: saved.staffId,
        targetUserId: user.id,
        expiresAt: saved.expiresAt.toISOString(),
        reason: saved.reason,
        ticketRef: saved.ticketRef,
        durationMinutes,
      }),
    );
    this.context.noteAudit({ resourceId: id, after: toSessionDto(saved) });
    return {
      id,
      accessToken,
      expiresAt: saved.expiresAt.toISOString(),
      tenantId: tenant.id,
      targetUser: { id: user.id, email: user.email, fullName: user.fullName, role: user.role },
    };
  }

  /**
   * Ends a session early; emits impersonation.ended, whose listener revokes the token once the
   * change is committed. @throws NotFoundError | ConflictError `impersonation_not_active` (already ended or expired)
   */
  async end(sessionId: string): Promise<ImpersonationSessionDto> {
    const before = await this.repo.createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :sessionId', { sessionId }).getOne();
    if (!before) throw new NotFoundError('Impersonation session', sessionId);
    this.context.noteAudit({ tenantId: before.tenantId });
    const state = statusOf(before);
    if (state !== 'active') {
      throw new ConflictError('impersonation_not_active', `Impersonation session ${sessionId} has already ${state === 'ended' ? 'been ended' : 'expired'}.`, { state });
    }
    const out = await this.endSession(before, 'ended_by_staff', this.context.actor.id);
    this.context.noteAudit({ before: toSessionDto(before), after: out });
    return out;
  }

  /**
   * Ends every active session of a staff member who lost the rights they were started with
   * (deactivated, or given another role), in one unit of work with one system audit row per
   * session (visible to the tenant's admins too). Returns how many ended; a re-run finds none.
   */
  async endAllOfStaff(staffId: string, reason: Exclude<ImpersonationEndReason, 'ended_by_staff'>): Promise<number> {
    return this.uow.run(async () => {
      const active = await this.repo
        .createQueryBuilder('s')
        .setLock('pessimistic_write')
        .where('s.staff_id = :staffId AND s.ended_at IS NULL AND s.expires_at > now()', { staffId })
        .orderBy('s.id')
        .getMany();
      for (const session of active) {
        const after = await this.endSession(session, reason, null);
        await this.audit.record({
          channel: 'job',
          action: 'impersonations.end',
          module: 'impersonation',
          resourceType: 'impersonation_session',
          resourceId: session.id,
          tenantId: session.tenantId,
          changes: { before: { ...toSessionDto(session) }, after: { ...after } },
          metadata: { reason },
        });
      }
      return active.length;
    });
  }

  /** Marks a locked, active session ended and publishes impersonation.ended (its listener revokes the token). */
  private async endSession(session: ImpersonationSession, reason: ImpersonationEndReason, endedBy: string | null): Promise<ImpersonationSessionDto> {
    await this.repo.update({ id: session.id }, { endedAt: new Date(), endedBy, endReason: reason });
    const after = await this.repo.findOneByOrFail({ id: session.id });
    await this.events.publish(
      new ImpersonationEndedEvent(after.tenantId, {
        sessionId: session.id,
        staffId: after.staffId,
        targetUserId: after.targetUserId,
        expiresAt: after.expiresAt.toISOString(),
        endedBy,
        endReason: reason,
        endedAt: after.endedAt!.toISOString(),
      }),
    );
    return toSessionDto(after);
  }

  /** All sessions, newest first, filtered by tenant, staff member and status. */
  async list(query: ImpersonationListQueryDto): Promise<Page<ImpersonationSessionDto>> {
    const qb = this.repo.createQueryBuilder('s');
    if (query.tenantId) qb.andWhere('s.tenant_id = :tenantId', { tenantId: query.tenantId });
    if (query.staffId) qb.andWhere('s.staff_id = :staffId', { staffId: query.staffId });
    if (query.status === 'active') qb.andWhere('s.ended_at IS NULL AND s.expires_at > now()');
    if (query.status === 'ended') qb.andWhere('s.ended_at IS NOT NULL');
    if (query.status === 'expired') qb.andWhere('s.ended_at IS NULL AND s.expires_at <= now()');
    const [rows, total] = await qb.orderBy('s.startedAt', 'DESC').addOrderBy('s.id', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    return toPage(rows.map(toSessionDto), total, query);
  }

  /** Sessions of one tenant, newest first (tenant admins' view). */
  async listForTenant(tenantId: string, query: TenantImpersonationListQueryDto): Promise<Page<TenantImpersonationDto>> {
    const [rows, total] = await new TenantScopedRepository(this.txHost.tx, ImpersonationSession, tenantId).findAndCount({
      order: { startedAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map(toTenantDto), total, query);
  }
}
