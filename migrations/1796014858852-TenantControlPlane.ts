import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantControlPlane1796014858852 implements MigrationInterface {
    name = 'TenantControlPlane1796014858852'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "scope" text NOT NULL,
                "key" text NOT NULL,
                "method" text NOT NULL,
                "path" text NOT NULL,
                "request_hash" text NOT NULL,
                "status_code" integer NOT NULL,
                "response_body" jsonb,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_keys_expires" ON "idempotency_keys" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "password_reset_tokens" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "user_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "requested_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d16bebd73e844c48bca50ff8d3d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_password_reset_tokens_user" ON "password_reset_tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_password_reset_tokens_hash" ON "password_reset_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "impersonation_sessions" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "staff_id" uuid NOT NULL,
                "staff_email" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "target_user_id" uuid NOT NULL,
                "target_user_email" text NOT NULL,
                "reason" text NOT NULL,
                "ticket_ref" text,
                "duration_minutes" integer NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ended_at" TIMESTAMP WITH TIME ZONE,
                "ended_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b735433f13b4dd6f03bd6bf2879" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_impersonation_sessions_active" ON "impersonation_sessions" ("expires_at")
            WHERE ended_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_impersonation_sessions_staff" ON "impersonation_sessions" ("staff_id", "started_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_impersonation_sessions_tenant" ON "impersonation_sessions" ("tenant_id", "started_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "plans" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "code" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "monthly_price_cents" bigint NOT NULL DEFAULT '0',
                "annual_price_cents" bigint NOT NULL DEFAULT '0',
                "currency" character(3) NOT NULL,
                "is_active" boolean NOT NULL DEFAULT true,
                "limits" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "features" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3720521a81c7c24fe9b7202ba61" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_plans_code" ON "plans" ("code")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_notes" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "author_id" uuid NOT NULL,
                "author_email" text NOT NULL,
                "body" text NOT NULL,
                "pinned" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2ecbf3569492950f6fcd001048b" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_notes_tenant" ON "tenant_notes" ("tenant_id", "pinned", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_quotas" (
                "tenant_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "limit_overrides" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "feature_overrides" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "billing_status" text NOT NULL,
                "trial_ends_at" TIMESTAMP WITH TIME ZONE,
                "current_period_ends_at" TIMESTAMP WITH TIME ZONE,
                "external_customer_id" text,
                "notes" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e239c929843edd3ef20d9935c9e" PRIMARY KEY ("tenant_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_quotas_trial_ends" ON "tenant_quotas" ("trial_ends_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_quotas_billing_status" ON "tenant_quotas" ("billing_status")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_quotas_plan" ON "tenant_quotas" ("plan_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_usage" (
                "tenant_id" uuid NOT NULL,
                "member_count" integer NOT NULL DEFAULT '0',
                "org_admin_count" integer NOT NULL DEFAULT '0',
                "project_count" integer NOT NULL DEFAULT '0',
                "domain_count" integer NOT NULL DEFAULT '0',
                "automation_runs_this_month" integer NOT NULL DEFAULT '0',
                "last_calculated_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0caea5648903d1c152b11966f8b" PRIMARY KEY ("tenant_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_usage_snapshots" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "day" date NOT NULL,
                "member_count" integer NOT NULL,
                "org_admin_count" integer NOT NULL,
                "project_count" integer NOT NULL,
                "domain_count" integer NOT NULL,
                "automation_runs_this_month" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e1a2a6d3b678a6fac4631c4d4ba" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_tenant_usage_snapshots_day" ON "tenant_usage_snapshots" ("tenant_id", "day")
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "contact_email" text NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "contact_phone" text
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "billing_email" text
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "timezone" text NOT NULL DEFAULT 'UTC'
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "currency" character(3) NOT NULL DEFAULT 'USD'
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "locale" text NOT NULL DEFAULT 'en'
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "tags" text array NOT NULL DEFAULT '{}'::text []
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "suspended_reason" text
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "suspended_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "deleted_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "purge_after" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "version" integer NOT NULL DEFAULT '1'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_created" ON "tenants" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_name" ON "tenants" ("name")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_status" ON "tenants" ("status")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_name"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_created"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "version"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "purge_after"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "deleted_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "suspended_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "suspended_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "tags"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "locale"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "currency"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "timezone"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "billing_email"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "contact_phone"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "contact_email"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_tenant_usage_snapshots_day"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_usage_snapshots"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_usage"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_quotas_plan"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_quotas_billing_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_quotas_trial_ends"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_quotas"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_notes_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_notes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_plans_code"
        `);
        await queryRunner.query(`
            DROP TABLE "plans"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_impersonation_sessions_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_impersonation_sessions_staff"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_impersonation_sessions_active"
        `);
        await queryRunner.query(`
            DROP TABLE "impersonation_sessions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_password_reset_tokens_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_password_reset_tokens_user"
        `);
        await queryRunner.query(`
            DROP TABLE "password_reset_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_keys_expires"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
