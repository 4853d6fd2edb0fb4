import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** How much a notification matters: `info`, `warning` or `critical`. */
export type NotificationSeverity = 'info' | 'warning' | 'critical';

/**
 * An in-app notification of one tenant user, derived from an event by a notification rule. At
 * most one per (event, recipient): a re-dispatched event never notifies twice.
 */
@TenantOwned()
@Entity({ name: 'tenant_notifications' })
@Index('ux_tenant_notifications_event_recipient', ['eventId', 'recipientId'], { unique: true })
@Index('ix_tenant_notifications_inbox', ['tenantId', 'recipientId', 'createdAt', 'id'])
export class TenantNotification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** The tenant user it is for. */
  @Column({ type: 'uuid' }) recipientId: string;
  /** The event type it comes from (e.g. `user.created`). */
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'text', default: 'info' }) severity: NotificationSeverity;
  @Column({ type: 'text', nullable: true }) resourceType: string | null;
  @Column({ type: 'text', nullable: true }) resourceId: string | null;
  @Column({ type: 'uuid' }) eventId: string;
  @Column({ type: 'uuid', nullable: true }) ruleId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) readAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** An in-app notification of one staff member (alerts); at most one per (event, recipient). */
@Entity({ name: 'staff_notifications' })
@Index('ux_staff_notifications_event_recipient', ['eventId', 'recipientId'], { unique: true })
@Index('ix_staff_notifications_inbox', ['recipientId', 'createdAt', 'id'])
export class StaffNotification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) recipientId: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'text', default: 'info' }) severity: NotificationSeverity;
  @Column({ type: 'text', nullable: true }) resourceType: string | null;
  @Column({ type: 'text', nullable: true }) resourceId: string | null;
  @Column({ type: 'uuid' }) eventId: string;
  @Column({ type: 'timestamptz', nullable: true }) readAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
