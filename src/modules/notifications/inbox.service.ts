import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../common/errors';
import { decodeCursor, encodeCursor } from '../../common/http';
import { Clock } from '../../common/time';
import { StaffNotification, TenantNotification } from './entities/notification.entity';
import { NotificationPreference } from './entities/notification-rule.entity';
import { NotificationDto, NotificationListQueryDto, NotificationPreferencesDto } from './notifications.dto';

/** Whose inbox: a tenant user (in a tenant) or a staff member. */
export type InboxOwner = { kind: 'tenant'; tenantId: string; userId: string } | { kind: 'staff'; staffId: string };

/**
 * One person's inbox: newest-first keyset pages (filters isRead, type), the unread count, read
 * and read-all, preferences. Every statement is keyed by the owner (and the tenant for a tenant
 * user): another person's notification is a 404.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  private scope(owner: InboxOwner): { table: string; where: string; params: unknown[] } {
    return owner.kind === 'tenant'
      ? { table: 'tenant_notifications', where: 'tenant_id = $1 AND recipient_id = $2', params: [owner.tenantId, owner.userId] }
      : { table: 'staff_notifications', where: 'recipient_id = $1', params: [owner.staffId] };
  }

  /** A page of the inbox, newest first. @throws ValidationError naming `cursor` when malformed */
  async list(owner: InboxOwner, query: NotificationListQueryDto): Promise<{ data: NotificationDto[]; meta: { nextCursor: string | null; limit: number } }> {
    const { table, where, params } = this.scope(owner);
    const args = [...params];
    let sql = `SELECT * FROM ${table} WHERE ${where}`;
    if (query.isRead !== undefined) sql += query.isRead ? ' AND read_at IS NOT NULL' : ' AND read_at IS NULL';
    if (query.type) sql += ` AND type = $${args.push(query.type)}`;
    if (query.cursor) {
      const at = decodeCursor(query.cursor);
      sql += ` AND (created_at, id) < ($${args.push(at.at)}::timestamptz, $${args.push(at.id)}::uuid)`;
    }
    sql += ` ORDER BY created_at DESC, id DESC LIMIT $${args.push(query.limit + 1)}`;
    const rows: Row[] = await this.txHost.tx.query(sql, args);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { data: page.map(toNotificationDto), meta: { nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null, limit: query.limit } };
  }

  /** The notifications after the one with id `afterId` (oldest first, at most 100): what an inbox stream missed. */
  async after(owner: InboxOwner, afterId: string | null): Promise<NotificationDto[]> {
    const { table, where, params } = this.scope(owner);
    const args = [...params];
    const cond = afterId ? ` AND (created_at, id) > (SELECT created_at, id FROM ${table} WHERE id = $${args.push(afterId)}::uuid)` : '';
    const rows: Row[] = await this.txHost.tx.query(`SELECT * FROM ${table} WHERE ${where}${cond} ORDER BY created_at, id LIMIT 100`, args);
    return rows.map(toNotificationDto);
  }

  /** The id of the newest notification, or null for an empty inbox. */
  async newestId(owner: InboxOwner): Promise<string | null> {
    const { table, where, params } = this.scope(owner);
    const [row]: { id: string }[] = await this.txHost.tx.query(`SELECT id FROM ${table} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 1`, params);
    return row?.id ?? null;
  }

  /** How many are unread. */
  async unreadCount(owner: InboxOwner): Promise<number> {
    const { table, where, params } = this.scope(owner);
    const [row]: { n: number }[] = await this.txHost.tx.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where} AND read_at IS NULL`, params);
    return row.n;
  }

  /** Marks one read (idempotent). @throws NotFoundError `notification_not_found` */
  async read(owner: InboxOwner, id: string): Promise<NotificationDto> {
    const { table, where, params } = this.scope(owner);
    // An UPDATE through the pg driver answers [rows, affected].
    const [rows]: [Row[], number] = await this.txHost.tx.query(
      `UPDATE ${table} SET read_at = COALESCE(read_at, $${params.length + 2}) WHERE ${where} AND id = $${params.length + 1} RETURNING *`,
      [...params, id, this.clock.now()],
    );
    if (!rows.length) throw new NotFoundError('Notification', id);
    return toNotificationDto(rows[0]);
  }

  /** Marks every unread one read; returns how many. */
  async readAll(owner: InboxOwner): Promise<number> {
    const { table, where, params } = this.scope(owner);
    const [, count]: [unknown, number] = await this.txHost.tx.query(`UPDATE ${table} SET read_at = $${params.length + 1} WHERE ${where} AND read_at IS NULL`, [...params, this.clock.now()]);
    return count;
  }

  /** The owner's muted types. */
  async preferences(owner: InboxOwner): Promise<NotificationPreferencesDto> {
    const id = owner.kind === 'tenant' ? owner.userId : owner.staffId;
    const row = await this.txHost.tx.getRepository(NotificationPreference).findOne({ where: { recipientId: id } });
    return { mutedTypes: row?.mutedTypes ?? [] };
  }

  /** Replaces the owner's muted types. */
  async setPreferences(owner: InboxOwner, mutedTypes: string[]): Promise<NotificationPreferencesDto> {
    const id = owner.kind === 'tenant' ? owner.userId : owner.staffId;
    await this.txHost.tx.getRepository(NotificationPreference).upsert({ recipientId: id, tenantId: owner.kind === 'tenant' ? owner.tenantId : null, mutedTypes }, ['recipientId']);
    return { mutedTypes };
  }
}

interface Row {
  id: string;
  type: string;
  title: string;
  body: string;
  severity: string;
  resource_type: string | null;
  resource_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

function toNotificationDto(r: Row): NotificationDto {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    body: r.body,
    severity: r.severity,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    isRead: r.read_at !== null,
    readAt: r.read_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/** Entities of this service's tables (for the module's TypeORM registration). */
export const INBOX_ENTITIES = [TenantNotification, StaffNotification, NotificationPreference];
