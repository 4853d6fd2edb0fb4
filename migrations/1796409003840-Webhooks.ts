import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796409003840 implements MigrationInterface {
    name = 'Webhooks1796409003840'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid,
                "partner_id" uuid,
                "url" text NOT NULL,
                "description" text,
                "event_types" text array NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" text,
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                "headers" jsonb NOT NULL DEFAULT '[]',
                "payload_template" text,
                "rate_limit_per_second" integer,
                "ordering" text NOT NULL DEFAULT 'none',
                "secret" text NOT NULL,
                "previous_secret" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "consecutive_failures" integer NOT NULL DEFAULT '0',
                "failing_since" TIMESTAMP WITH TIME ZONE,
                "breaker_open_until" TIMESTAMP WITH TIME ZONE,
                "last_success_at" TIMESTAMP WITH TIME ZONE,
                "last_failure_at" TIMESTAMP WITH TIME ZONE,
                "last_error" text,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_endpoints_tenant_created" ON "webhook_endpoints" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_messages" (
                "id" uuid NOT NULL,
                "seq" BIGSERIAL NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "tenant_id" uuid,
                "event_tenant_id" uuid,
                "event_id" uuid NOT NULL,
                "event_type" text NOT NULL,
                "test" boolean NOT NULL DEFAULT false,
                "body" text NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "locked_until" TIMESTAMP WITH TIME ZONE,
                "last_status_code" integer,
                "last_error" text,
                "succeeded_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_526e8e1655924920adc4cd30dcd" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_messages_due" ON "webhook_messages" ("status", "next_attempt_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_messages_in_flight" ON "webhook_messages" ("endpoint_id", "locked_until")
            WHERE status = 'delivering'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_messages_endpoint_seq" ON "webhook_messages" ("endpoint_id", "seq")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_webhook_messages_event_endpoint" ON "webhook_messages" ("endpoint_id", "event_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_attempts" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "message_id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "tenant_id" uuid,
                "attempt_number" integer NOT NULL,
                "url" text NOT NULL,
                "request_headers" jsonb NOT NULL,
                "request_body" text NOT NULL,
                "response_status" integer,
                "response_headers" jsonb,
                "response_body" text,
                "duration_ms" integer NOT NULL,
                "error" text,
                "success" boolean NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_attempts_endpoint_time" ON "webhook_attempts" ("endpoint_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_attempts_message" ON "webhook_attempts" ("message_id", "attempt_number")
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_messages"
            ADD CONSTRAINT "FK_2ebdc23f5ae2b27a09c8446c899" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_attempts"
            ADD CONSTRAINT "FK_7dbf25c6722243e3cb16ef9fb27" FOREIGN KEY ("message_id") REFERENCES "webhook_messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Tenants that exist already get the default rule a new tenant gets (DEFAULT_RULES in src/modules/notifications/notification-types.ts).
        await queryRunner.query(`
            INSERT INTO "notification_rules" ("tenant_id", "name", "event_type", "conditions", "recipient_roles", "recipient_user_ids", "channel", "is_active", "is_default")
            SELECT t.id, 'Webhook endpoint disabled', 'webhook.endpoint_disabled', '{}', '{admin}', '{}', 'in_app', true, true FROM "tenants" t
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "notification_rules" WHERE "event_type" = 'webhook.endpoint_disabled' AND "is_default"`);
        await queryRunner.query(`
            ALTER TABLE "webhook_attempts" DROP CONSTRAINT "FK_7dbf25c6722243e3cb16ef9fb27"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_messages" DROP CONSTRAINT "FK_2ebdc23f5ae2b27a09c8446c899"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_attempts_message"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_attempts_endpoint_time"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_attempts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_webhook_messages_event_endpoint"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_messages_endpoint_seq"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_messages_due"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_messages_in_flight"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_messages"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_endpoints_tenant_created"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
    }

}
