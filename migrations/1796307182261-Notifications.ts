import { MigrationInterface, QueryRunner } from "typeorm";

export class Notifications1796307182261 implements MigrationInterface {
    name = 'Notifications1796307182261'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "notification_rules" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "name" text NOT NULL,
                "event_type" text NOT NULL,
                "conditions" jsonb NOT NULL DEFAULT '{}',
                "recipient_roles" text array NOT NULL DEFAULT '{}',
                "recipient_user_ids" uuid array NOT NULL DEFAULT '{}',
                "channel" text NOT NULL DEFAULT 'in_app',
                "is_active" boolean NOT NULL DEFAULT true,
                "is_default" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_eb87ba4f7f01eabf003fcf4e65c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_notification_rules_tenant_event" ON "notification_rules" ("tenant_id", "event_type")
        `);
        await queryRunner.query(`
            CREATE TABLE "notification_preferences" (
                "recipient_id" uuid NOT NULL,
                "tenant_id" uuid,
                "muted_types" text array NOT NULL DEFAULT '{}',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f3c58678efd6f9f50c0707af7aa" PRIMARY KEY ("recipient_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_notifications" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "recipient_id" uuid NOT NULL,
                "type" text NOT NULL,
                "title" text NOT NULL,
                "body" text NOT NULL,
                "severity" text NOT NULL DEFAULT 'info',
                "resource_type" text,
                "resource_id" text,
                "event_id" uuid NOT NULL,
                "rule_id" uuid,
                "read_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_af51a126a42071668e0f9374b23" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_notifications_inbox" ON "tenant_notifications" ("tenant_id", "recipient_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_tenant_notifications_event_recipient" ON "tenant_notifications" ("event_id", "recipient_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "staff_notifications" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "recipient_id" uuid NOT NULL,
                "tenant_id" uuid,
                "type" text NOT NULL,
                "title" text NOT NULL,
                "body" text NOT NULL,
                "severity" text NOT NULL DEFAULT 'info',
                "resource_type" text,
                "resource_id" text,
                "event_id" uuid NOT NULL,
                "read_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6ec031276e7f643e3795045de3e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_staff_notifications_inbox" ON "staff_notifications" ("recipient_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_staff_notifications_event_recipient" ON "staff_notifications" ("event_id", "recipient_id")
        `);
        // Tenants that exist already get the default rules a new tenant gets (src/modules/notifications/notification-types.ts DEFAULT_RULES).
        await queryRunner.query(`
            INSERT INTO "notification_rules" ("tenant_id", "name", "event_type", "conditions", "recipient_roles", "recipient_user_ids", "channel", "is_active", "is_default")
            SELECT t.id, d.name, d.event_type, '{}', '{admin}', '{}', 'in_app', true, true
              FROM "tenants" t
             CROSS JOIN (VALUES ('Trial ending', 'subscription.trial_will_end'), ('Payment failed', 'payment.failed'), ('Payment overdue', 'subscription.past_due'),
                                ('Impersonation started', 'impersonation.started'), ('New user', 'user.created')) AS d(name, event_type)
        `);
        await queryRunner.query(`
            INSERT INTO "notification_rules" ("tenant_id", "name", "event_type", "conditions", "recipient_roles", "recipient_user_ids", "channel", "is_active", "is_default")
            SELECT t.id, 'Usage at 80 % and 100 %', 'usage.threshold_reached', '{"threshold":{"in":[80,100]}}', '{admin}', '{}', 'in_app', true, true FROM "tenants" t
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_staff_notifications_event_recipient"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_staff_notifications_inbox"
        `);
        await queryRunner.query(`
            DROP TABLE "staff_notifications"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_tenant_notifications_event_recipient"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_notifications_inbox"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_notifications"
        `);
        await queryRunner.query(`
            DROP TABLE "notification_preferences"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_notification_rules_tenant_event"
        `);
        await queryRunner.query(`
            DROP TABLE "notification_rules"
        `);
    }

}
