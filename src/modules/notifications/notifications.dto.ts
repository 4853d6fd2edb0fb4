import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { TENANT_ROLES } from '../../common/auth';
import { CursorQueryDto } from '../../common/http';
import { NOTIFICATION_TYPES } from './notification-types';

const TYPES = NOTIFICATION_TYPES.map((t) => t.type);

/** One notification of the inbox. */
export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'user.created', description: 'The event type it comes from' }) type: string;
  @ApiProperty({ example: 'New user' }) title: string;
  @ApiProperty({ example: 'max@acme.example was added as member.' }) body: string;
  @ApiProperty({ enum: ['info', 'warning', 'critical'] }) severity: string;
  @ApiProperty({ type: String, nullable: true, example: 'user', description: 'The resource it links to' }) resourceType: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceId: string | null;
  @ApiProperty() isRead: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** `?isRead&type&limit&cursor` of the inbox (newest first). */
export class NotificationListQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'false: only unread ones; true: only read ones' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isRead?: boolean;
  @ApiPropertyOptional({ example: 'user.created' }) @IsOptional() @IsString() @MaxLength(100) type?: string;
}

/** `{ unreadCount }` for the bell. */
export class UnreadCountDto {
  @ApiProperty({ type: 'integer', example: 3 }) unreadCount: number;
}

/** `{ updated }` of read-all. */
export class ReadAllResultDto {
  @ApiProperty({ type: 'integer', description: 'How many were marked read' }) updated: number;
}

/** Path of one notification. */
export class NotificationParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') notificationId: string;
}

/** A person's notification preferences. */
export class NotificationPreferencesDto {
  @ApiProperty({ type: [String], example: ['user.created'], description: 'Types never notified to this person' }) mutedTypes: string[];
}

/** Body of PUT .../notifications/preferences. */
export class UpdateNotificationPreferencesDto {
  @ApiProperty({ enum: TYPES, isArray: true, example: ['user.created'] })
  @ArrayMaxSize(TYPES.length) @ArrayUnique() @IsIn(TYPES, { each: true })
  mutedTypes: string[];
}

/** A tenant notification rule. */
export class NotificationRuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Payment failed' }) name: string;
  @ApiProperty({ enum: TYPES }) eventType: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {}, description: 'Payload conditions: { "<dotted path>": scalar | { "eq"|"ne"|"gt"|"gte"|"lt"|"lte": scalar } | { "in": [scalars] } }; {} matches every event' })
  conditions: Record<string, unknown>;
  @ApiProperty({ enum: TENANT_ROLES, isArray: true }) recipientRoles: string[];
  @ApiProperty({ type: [String], description: 'User ids notified as well (still limited to the roles the type allows)' }) recipientUserIds: string[];
  @ApiProperty({ enum: ['in_app', 'email'], description: 'email is a placeholder that logs the message' }) channel: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ description: 'Created with the organisation' }) isDefault: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of POST /tenant/notification-rules. */
export class CreateNotificationRuleDto {
  @ApiProperty({ example: 'Big invoices failing', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: TYPES, example: 'payment.failed' }) @IsIn(TYPES) eventType: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { amountCents: { gte: 10000 } } }) @IsOptional() @IsObject() conditions?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: TENANT_ROLES, isArray: true, example: ['admin'] }) @IsOptional() @ArrayMaxSize(4) @ArrayUnique() @IsIn(TENANT_ROLES, { each: true }) recipientRoles?: string[];
  @ApiPropertyOptional({ type: [String], example: [] }) @IsOptional() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) recipientUserIds?: string[];
  @ApiPropertyOptional({ enum: ['in_app', 'email'], default: 'in_app' }) @IsOptional() @IsIn(['in_app', 'email']) channel?: 'in_app' | 'email';
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Body of PATCH /tenant/notification-rules/:ruleId. */
export class UpdateNotificationRuleDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() conditions?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: TENANT_ROLES, isArray: true }) @IsOptional() @ArrayMaxSize(4) @ArrayUnique() @IsIn(TENANT_ROLES, { each: true }) recipientRoles?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) recipientUserIds?: string[];
  @ApiPropertyOptional({ enum: ['in_app', 'email'] }) @IsOptional() @IsIn(['in_app', 'email']) channel?: 'in_app' | 'email';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Path of one rule. */
export class NotificationRuleParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') ruleId: string;
}
