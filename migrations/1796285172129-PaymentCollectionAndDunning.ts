import { MigrationInterface, QueryRunner } from "typeorm";

export class PaymentCollectionAndDunning1796285172129 implements MigrationInterface {
    name = 'PaymentCollectionAndDunning1796285172129'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "billing_accounts" (
                "tenant_id" uuid NOT NULL,
                "enforcement_paused" boolean NOT NULL DEFAULT false,
                "enforcement_paused_reason" text,
                "enforcement_paused_at" TIMESTAMP WITH TIME ZONE,
                "enforcement_paused_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9c21602fd4e27ce7c5bdba562a9" PRIMARY KEY ("tenant_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "dunning_policy" (
                "id" integer NOT NULL,
                "retry_days" integer array NOT NULL,
                "grace_days" integer NOT NULL,
                "updated_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_dunning_policy_grace" CHECK (grace_days >= 0),
                CONSTRAINT "ck_dunning_policy_singleton" CHECK (id = 1),
                CONSTRAINT "PK_55aeb7ab5645159feb92583c25c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "dunning_cases" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "status" text NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "retries" integer NOT NULL DEFAULT '0',
                "next_retry_at" TIMESTAMP WITH TIME ZONE,
                "last_failure_code" text,
                "enforce_at" TIMESTAMP WITH TIME ZONE,
                "enforced_at" TIMESTAMP WITH TIME ZONE,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_dunning_cases_status" CHECK (
                    status IN (
                        'retrying',
                        'exhausted',
                        'enforced',
                        'recovered',
                        'closed'
                    )
                ),
                CONSTRAINT "PK_a398438b5349ddc0026165e1c65" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_dunning_cases_due" ON "dunning_cases" ("status", "next_retry_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_dunning_cases_invoice" ON "dunning_cases" ("invoice_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "payment_methods" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "gateway" text NOT NULL,
                "reference" text NOT NULL,
                "type" text NOT NULL,
                "brand" text NOT NULL,
                "last4" text NOT NULL,
                "exp_month" integer NOT NULL,
                "exp_year" integer NOT NULL,
                "label" text NOT NULL,
                "added_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "detached_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_34f9b8c6dfb4ac3559f7e2820d1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_payment_methods_active" ON "payment_methods" ("tenant_id")
            WHERE detached_at IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "payment_method_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "gateway_idempotency_key" text
        `);
        await queryRunner.query(`
            ALTER TABLE "payments"
            ADD CONSTRAINT "UQ_6e7e2603309326058a44e383542" UNIQUE ("gateway_idempotency_key")
        `);
        await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "trigger" text NOT NULL DEFAULT 'offline'
        `);
        await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "decline_code" text
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_payments_pending_per_invoice" ON "payments" ("invoice_id")
            WHERE status = 'pending'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_payments_pending_per_invoice"
        `);
        await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "decline_code"
        `);
        await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "trigger"
        `);
        await queryRunner.query(`
            ALTER TABLE "payments" DROP CONSTRAINT "UQ_6e7e2603309326058a44e383542"
        `);
        await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "gateway_idempotency_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "payment_method_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_payment_methods_active"
        `);
        await queryRunner.query(`
            DROP TABLE "payment_methods"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_dunning_cases_invoice"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_dunning_cases_due"
        `);
        await queryRunner.query(`
            DROP TABLE "dunning_cases"
        `);
        await queryRunner.query(`
            DROP TABLE "dunning_policy"
        `);
        await queryRunner.query(`
            DROP TABLE "billing_accounts"
        `);
    }

}
