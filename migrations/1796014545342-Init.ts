import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1796014545342 implements MigrationInterface {
    name = 'Init1796014545342'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "outbox" (
                "id" uuid NOT NULL,
                "event_name" text NOT NULL,
                "tenant_id" uuid,
                "envelope" jsonb NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL,
                "dispatched_at" TIMESTAMP WITH TIME ZONE,
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_undispatched" ON "outbox" ("locked_until")
            WHERE dispatched_at IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "processed_events" (
                "consumer" text NOT NULL,
                "event_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_logs" (
                "id" uuid NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "request_id" text,
                "actor_type" text,
                "actor_id" uuid,
                "actor_email" text,
                "impersonator_id" uuid,
                "tenant_id" uuid,
                "action" text NOT NULL,
                "module" text,
                "resource_type" text,
                "resource_id" text,
                "method" text NOT NULL,
                "path" text NOT NULL,
                "status_code" integer NOT NULL,
                "outcome" text NOT NULL,
                "error_code" text,
                "ip" text,
                "user_agent" text,
                "changes" jsonb,
                "metadata" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1bb179d048bbc581caa3b013439" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_impersonator" ON "audit_logs" ("impersonator_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_outcome" ON "audit_logs" ("outcome", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_resource" ON "audit_logs" ("resource_type", "resource_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_module" ON "audit_logs" ("module", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_action" ON "audit_logs" ("action", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_actor" ON "audit_logs" ("actor_id", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_tenant" ON "audit_logs" ("tenant_id", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_occurred" ON "audit_logs" ("occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "staff_members" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "email" text NOT NULL,
                "full_name" text NOT NULL,
                "role" text NOT NULL,
                "password_hash" text NOT NULL,
                "is_active" boolean NOT NULL DEFAULT true,
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_cdad75efe024402db5d51140960" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_staff_members_email" ON "staff_members" ("email")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "family_id" uuid NOT NULL,
                "principal_kind" text NOT NULL,
                "principal_id" uuid NOT NULL,
                "tenant_id" uuid,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_principal" ON "refresh_tokens" ("principal_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_family" ON "refresh_tokens" ("family_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_refresh_tokens_hash" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_users" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "email" text NOT NULL,
                "full_name" text NOT NULL,
                "role" text NOT NULL,
                "password_hash" text NOT NULL,
                "is_active" boolean NOT NULL DEFAULT true,
                "must_change_password" boolean NOT NULL DEFAULT false,
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_8ce1bc9e3a5887c234900365447" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_users_tenant_role" ON "tenant_users" ("tenant_id", "role", "is_active")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_tenant_users_tenant_email" ON "tenant_users" ("tenant_id", "email")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "name" text NOT NULL,
                "slug" text NOT NULL,
                "status" text NOT NULL DEFAULT 'active',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_tenants_slug" ON "tenants" ("slug")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_tenants_slug"
        `);
        await queryRunner.query(`
            DROP TABLE "tenants"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_tenant_users_tenant_email"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_users_tenant_role"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_users"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_refresh_tokens_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_family"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_principal"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_staff_members_email"
        `);
        await queryRunner.query(`
            DROP TABLE "staff_members"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_actor"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_action"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_module"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_resource"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_outcome"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_impersonator"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_logs"
        `);
        await queryRunner.query(`
            DROP TABLE "processed_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_undispatched"
        `);
        await queryRunner.query(`
            DROP TABLE "outbox"
        `);
    }

}
