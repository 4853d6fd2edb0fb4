import { MigrationInterface, QueryRunner } from "typeorm";

export class RefundsAndCreditNotes1796286507525 implements MigrationInterface {
    name = 'RefundsAndCreditNotes1796286507525'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "credit_notes" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "number" text NOT NULL,
                "invoice_number" text NOT NULL,
                "kind" text NOT NULL,
                "reason" text NOT NULL,
                "amount_cents" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "memo" text,
                "refund_id" uuid,
                "billed_to" jsonb NOT NULL,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_credit_notes_amount" CHECK (amount_cents > 0),
                CONSTRAINT "PK_4933888a20b5469e119ad74b9e9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_credit_notes_tenant" ON "credit_notes" ("tenant_id", "issued_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_credit_notes_invoice" ON "credit_notes" ("invoice_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_credit_notes_number" ON "credit_notes" ("number")
        `);
        await queryRunner.query(`
            CREATE TABLE "credit_balance_transactions" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "amount_cents" bigint NOT NULL,
                "kind" text NOT NULL,
                "credit_note_id" uuid,
                "invoice_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_credit_balance_kind" CHECK (kind IN ('credit_note', 'applied_to_invoice')),
                CONSTRAINT "PK_5192deade3979c507afc53c95e7" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_credit_balance_tenant" ON "credit_balance_transactions" ("tenant_id", "currency", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "refunds" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "payment_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "amount_cents" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "reason" text NOT NULL,
                "memo" text,
                "status" text NOT NULL,
                "gateway" text NOT NULL,
                "gateway_idempotency_key" text,
                "reference" text,
                "failure_code" text,
                "failure_message" text,
                "credit_note_id" uuid,
                "requested_by" uuid,
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_f5f3f750266c70632bac34a3c40" UNIQUE ("gateway_idempotency_key"),
                CONSTRAINT "ck_refunds_amount" CHECK (amount_cents > 0),
                CONSTRAINT "PK_5106efb01eeda7e49a78b869738" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_refunds_payment" ON "refunds" ("payment_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "applied_balance_cents" bigint NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "credited_cents" bigint NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "credited_cents"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "applied_balance_cents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refunds_payment"
        `);
        await queryRunner.query(`
            DROP TABLE "refunds"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_credit_balance_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "credit_balance_transactions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_credit_notes_number"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_credit_notes_invoice"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_credit_notes_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "credit_notes"
        `);
    }

}
