import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import type { JsonObject } from '../../../database/json';

/** Where a rule's notifications go: the in-app inbox, or email (a placeholder adapter that logs). */
export type NotificationChannelName = 'in_app' | 'email';

/** A tenant's rule: on events of `eventType` whose payload matches `conditions`, notify the recipients. */
@TenantOwned()
@Entity({ name: 'notification_rules' })
@Index('ix_notification_rules_tenant_event', ['tenantId', 'eventType'])
export class NotificationRule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) eventType: string;
  /** Payload conditions (./conditions.ts); `{}` matches every event of the type. */
  @Column({ type: 'jsonb', default: {} }) conditions: JsonObject;
  @Column({ type: 'text', array: true, default: '{}' }) recipientRoles: string[];
  @Column({ type: 'uuid', array: true, default: '{}' }) recipientUserIds: string[];
  @Column({ type: 'text', default: 'in_app' }) channel: NotificationChannelName;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  /** Created with the tenant (may be changed or deleted like any rule). */
  @Column({ type: 'boolean', default: false }) isDefault: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A person's notification preferences: the types they muted. Key: the tenant user's or staff member's id. */
@Entity({ name: 'notification_preferences' })
export class NotificationPreference {
  @Column({ type: 'uuid', primary: true }) recipientId: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text', array: true, default: '{}' }) mutedTypes: string[];
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
