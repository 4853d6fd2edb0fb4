import './errors';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ImpersonationPolicy, PlatformAuth, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context/request-context';
import { ApiOp, Audited, AuditResource, CursorPageOf, PageOf, PageQueryDto } from '../../common/http';
import { InboxStream } from './inbox-stream';
import { InboxOwner, InboxService } from './inbox.service';
import { NotificationRulesService } from './notification-rules.service';
import {
  CreateNotificationRuleDto,
  NotificationDto,
  NotificationListQueryDto,
  NotificationParams,
  NotificationPreferencesDto,
  NotificationRuleDto,
  NotificationRuleParams,
  ReadAllResultDto,
  UnreadCountDto,
  UpdateNotificationPreferencesDto,
  UpdateNotificationRuleDto,
} from './notifications.dto';

const STREAM_DOC =
  'Server-Sent Events: `event: notification` (id = the notification id, data = the notification) for each new one, then `event: unread_count` (`{ unreadCount }`); a comment every 15 s when idle. Reconnect with `Last-Event-ID` to receive what was missed. Works on any instance.';

/** Shared routes of an inbox: the owner comes from the token. */
abstract class InboxRoutes {
  constructor(
    protected readonly inbox: InboxService,
    protected readonly stream: InboxStream,
    protected readonly context: RequestContext,
  ) {}

  protected abstract owner(): InboxOwner;

  list(query: NotificationListQueryDto) {
    return this.inbox.list(this.owner(), query);
  }

  async unreadCount(): Promise<UnreadCountDto> {
    return { unreadCount: await this.inbox.unreadCount(this.owner()) };
  }

  read(p: NotificationParams): Promise<NotificationDto> {
    return this.inbox.read(this.owner(), p.notificationId);
  }

  async readAll(): Promise<ReadAllResultDto> {
    return { updated: await this.inbox.readAll(this.owner()) };
  }

  preferences(): Promise<NotificationPreferencesDto> {
    return this.inbox.preferences(this.owner());
  }

  setPreferences(dto: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    return this.inbox.setPreferences(this.owner(), dto.mutedTypes);
  }

  open(req: Request, res: Response): Promise<void> {
    return this.stream.open(this.owner(), req, res);
  }
}

/** The signed-in tenant user's in-app notifications (the bell). */
@ApiTags('tenant-notifications')
@AuditResource('notifications', 'notification')
@TenantAuth()
@ImpersonationPolicy('allowed')
@Controller('tenant/notifications')
export class TenantNotificationsController extends InboxRoutes {
  constructor(inbox: InboxService, stream: InboxStream, context: RequestContext) {
    super(inbox, stream, context);
  }

  protected owner(): InboxOwner {
    return { kind: 'tenant', tenantId: this.context.actor.tenantId!, userId: this.context.actor.id! };
  }

  @Get()
  @ApiOp('tenantNotifications_list', 'List your notifications, newest first (filters isRead, type)', ['validation_failed'])
  @ApiOkResponse({ type: CursorPageOf(NotificationDto) })
  override list(@Query() query: NotificationListQueryDto) {
    return super.list(query);
  }

  @Get('unread-count')
  @ApiOp('tenantNotifications_unreadCount', 'How many of your notifications are unread (the bell’s count)')
  @ApiOkResponse({ type: UnreadCountDto })
  override unreadCount(): Promise<UnreadCountDto> {
    return super.unreadCount();
  }

  @Get('stream')
  @ApiOp('tenantNotifications_stream', 'Stream your new notifications and the unread count (Server-Sent Events)', [], STREAM_DOC)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  override open(@Req() req: Request, @Res() res: Response): Promise<void> {
    return super.open(req, res);
  }

  @Get('preferences')
  @ApiOp('tenantNotifications_getPreferences', 'Your notification preferences (muted types)')
  @ApiOkResponse({ type: NotificationPreferencesDto })
  override preferences(): Promise<NotificationPreferencesDto> {
    return super.preferences();
  }

  @Put('preferences')
  @Audited('notification.setPreferences')
  @ApiOp('tenantNotifications_setPreferences', 'Mute notification types for yourself', ['validation_failed'])
  @ApiOkResponse({ type: NotificationPreferencesDto })
  override setPreferences(@Body() dto: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    return super.setPreferences(dto);
  }

  @Post('read-all')
  @HttpCode(200)
  @Audited('notification.readAll')
  @ApiOp('tenantNotifications_readAll', 'Mark all your notifications read')
  @ApiOkResponse({ type: ReadAllResultDto })
  override readAll(): Promise<ReadAllResultDto> {
    return super.readAll();
  }

  @Post(':notificationId/read')
  @HttpCode(200)
  @Audited('notification.read')
  @ApiOp('tenantNotifications_read', 'Mark one of your notifications read', ['validation_failed', 'notification_not_found'])
  @ApiOkResponse({ type: NotificationDto })
  override read(@Param() p: NotificationParams): Promise<NotificationDto> {
    return super.read(p);
  }
}

/** The signed-in staff member's in-app notifications (alerts). */
@ApiTags('notifications')
@AuditResource('notifications', 'notification')
@PlatformAuth()
@Controller('admin/notifications')
export class AdminNotificationsController extends InboxRoutes {
  constructor(inbox: InboxService, stream: InboxStream, context: RequestContext) {
    super(inbox, stream, context);
  }

  protected owner(): InboxOwner {
    return { kind: 'staff', staffId: this.context.actor.id! };
  }

  @Get()
  @ApiOp('adminNotifications_list', 'List your notifications, newest first (filters isRead, type)', ['validation_failed'])
  @ApiOkResponse({ type: CursorPageOf(NotificationDto) })
  override list(@Query() query: NotificationListQueryDto) {
    return super.list(query);
  }

  @Get('unread-count')
  @ApiOp('adminNotifications_unreadCount', 'How many of your notifications are unread')
  @ApiOkResponse({ type: UnreadCountDto })
  override unreadCount(): Promise<UnreadCountDto> {
    return super.unreadCount();
  }

  @Get('stream')
  @ApiOp('adminNotifications_stream', 'Stream your new notifications and the unread count (Server-Sent Events)', [], STREAM_DOC)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  override open(@Req() req: Request, @Res() res: Response): Promise<void> {
    return super.open(req, res);
  }

  @Get('preferences')
  @ApiOp('adminNotifications_getPreferences', 'Your notification preferences (muted types)')
  @ApiOkResponse({ type: NotificationPreferencesDto })
  override preferences(): Promise<NotificationPreferencesDto> {
    return super.preferences();
  }

  @Put('preferences')
  @Audited('staffNotification.setPreferences')
  @ApiOp('adminNotifications_setPreferences', 'Mute notification types for yourself', ['validation_failed'])
  @ApiOkResponse({ type: NotificationPreferencesDto })
  override setPreferences(@Body() dto: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    return super.setPreferences(dto);
  }

  @Post('read-all')
  @HttpCode(200)
  @Audited('staffNotification.readAll')
  @ApiOp('adminNotifications_readAll', 'Mark all your notifications read')
  @ApiOkResponse({ type: ReadAllResultDto })
  override readAll(): Promise<ReadAllResultDto> {
    return super.readAll();
  }

  @Post(':notificationId/read')
  @HttpCode(200)
  @Audited('staffNotification.read')
  @ApiOp('adminNotifications_read', 'Mark one of your notifications read', ['validation_failed', 'notification_not_found'])
  @ApiOkResponse({ type: NotificationDto })
  override read(@Param() p: NotificationParams): Promise<NotificationDto> {
    return super.read(p);
  }
}

/** The tenant's notification rules, managed by its admins ("based on events defined"). */
@ApiTags('tenant-notifications')
@AuditResource('notifications', 'notification_rule')
@TenantAuth('admin')
@ImpersonationPolicy('allowed')
@Controller('tenant/notification-rules')
export class TenantNotificationRulesController {
  constructor(
    private readonly rules: NotificationRulesService,
    private readonly context: RequestContext,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Get()
  @ApiOp('tenantNotificationRules_list', 'List the organisation’s notification rules', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(NotificationRuleDto) })
  list(@Query() query: PageQueryDto) {
    return this.rules.list(this.tenantId, query);
  }

  @Post()
  @Audited('notificationRule.create')
  @ApiOp('tenantNotificationRules_create', 'Add a rule: on an event type (and payload conditions), notify roles or users', ['validation_failed'])
  @ApiCreatedResponse({ type: NotificationRuleDto })
  create(@Body() dto: CreateNotificationRuleDto): Promise<NotificationRuleDto> {
    return this.rules.create(this.tenantId, dto);
  }

  @Get(':ruleId')
  @ApiOp('tenantNotificationRules_get', 'Get a notification rule', ['validation_failed', 'notification_rule_not_found'])
  @ApiOkResponse({ type: NotificationRuleDto })
  get(@Param() p: NotificationRuleParams): Promise<NotificationRuleDto> {
    return this.rules.get(this.tenantId, p.ruleId);
  }

  @Patch(':ruleId')
  @Audited('notificationRule.update')
  @ApiOp('tenantNotificationRules_update', 'Change a notification rule', ['validation_failed', 'notification_rule_not_found'])
  @ApiOkResponse({ type: NotificationRuleDto })
  update(@Param() p: NotificationRuleParams, @Body() dto: UpdateNotificationRuleDto): Promise<NotificationRuleDto> {
    return this.rules.update(this.tenantId, p.ruleId, dto);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Audited('notificationRule.delete')
  @ApiOp('tenantNotificationRules_delete', 'Delete a notification rule', ['validation_failed', 'notification_rule_not_found'])
  @ApiNoContentResponse()
  remove(@Param() p: NotificationRuleParams): Promise<void> {
    return this.rules.remove(this.tenantId, p.ruleId);
  }
}
