import { MigrationInterface, QueryRunner } from "typeorm";

export class Payments1796280283086 implements MigrationInterface {
    name = 'Payments1796280283086'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "payments" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "amount_cents" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "status" text NOT NULL,
                "method" text NOT NULL,
                "method_label" text NOT NULL,
                "gateway" text NOT NULL,
                "reference" text,
                "failure_code" text,
                "failure_message" text,
                "attempt" integer NOT NULL DEFAULT '1',
                "refunded_cents" bigint NOT NULL DEFAULT '0',
                "note" text,
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "recorded_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_197ab7af18c93fbb0c9b28b4a59" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_payments_invoice" ON "payments" ("invoice_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_payments_status" ON "payments" ("status", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_payments_tenant" ON "payments" ("tenant_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_payments_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_payments_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_payments_invoice"
        `);
        await queryRunner.query(`
            DROP TABLE "payments"
        `);
    }

}
