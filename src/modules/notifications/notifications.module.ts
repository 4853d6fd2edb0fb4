import './errors';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../common/mail';
import { IamModule } from '../iam';
import { NotificationRule } from './entities/notification-rule.entity';
import { InboxStream } from './inbox-stream';
import { INBOX_ENTITIES, InboxService } from './inbox.service';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationRulesService } from './notification-rules.service';
import { NotificationsDataEraser } from './notifications-data.eraser';
import { NotificationsPersonalDataEraser } from './notifications-personal-data.eraser';
import { NotificationRulesBackupSection } from './notification-rules.backup-section';
import { AdminNotificationsController, TenantNotificationRulesController, TenantNotificationsController } from './notifications.controller';

/** In-app notifications of tenant users and staff, tenant notification rules, live inbox streams. */
@Module({
  imports: [TypeOrmModule.forFeature([...INBOX_ENTITIES, NotificationRule]), IamModule, MailModule],
  controllers: [TenantNotificationsController, AdminNotificationsController, TenantNotificationRulesController],
  providers: [InboxService, InboxStream, NotificationDispatcher, NotificationRulesService, NotificationsDataEraser, NotificationsPersonalDataEraser, NotificationRulesBackupSection],
})
export class NotificationsModule {}
