import { MigrationInterface, QueryRunner } from "typeorm";

export class Invoices1796279503627 implements MigrationInterface {
    name = 'Invoices1796279503627'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "document_number_sequences" (
                "prefix" text NOT NULL,
                "year" integer NOT NULL,
                "last_number" integer NOT NULL,
                CONSTRAINT "PK_18badd6db9551e7a86dc0221c48" PRIMARY KEY ("prefix", "year")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "invoices" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "number" text,
                "status" text NOT NULL,
                "billing_reason" text NOT NULL,
                "currency" character(3) NOT NULL,
                "subtotal_cents" bigint NOT NULL,
                "discount_cents" bigint NOT NULL,
                "tax_cents" bigint NOT NULL,
                "tax_note" text NOT NULL,
                "total_cents" bigint NOT NULL,
                "amount_paid_cents" bigint NOT NULL,
                "amount_due_cents" bigint NOT NULL,
                "net_days" integer NOT NULL,
                "billed_to" jsonb NOT NULL,
                "memo" text,
                "finalized_at" TIMESTAMP WITH TIME ZONE,
                "due_at" TIMESTAMP WITH TIME ZONE,
                "paid_at" TIMESTAMP WITH TIME ZONE,
                "voided_at" TIMESTAMP WITH TIME ZONE,
                "marked_uncollectible_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_668cef7c22a427fd822cc1be3ce" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_invoices_status_due" ON "invoices" ("status", "due_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_invoices_tenant" ON "invoices" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_invoices_number" ON "invoices" ("number")
            WHERE number IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "invoice_lines" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "description" text NOT NULL,
                "quantity" integer NOT NULL,
                "unit_amount_cents" bigint NOT NULL,
                "amount_cents" bigint NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE,
                "period_end" TIMESTAMP WITH TIME ZONE,
                "proration" boolean NOT NULL DEFAULT false,
                "subscription_id" uuid,
                "pending_item_id" uuid,
                CONSTRAINT "PK_3d18eb48142b916f581f0c21a65" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_invoice_lines_invoice" ON "invoice_lines" ("invoice_id", "position")
        `);
        // Backstops of the invoice rules (the services keep them; these refuse a bug that would not):
        // amounts add up, statuses are known, and a finalized invoice and its lines never change
        // except for payment state (corrections go through credit notes).
        await queryRunner.query(`
            ALTER TABLE "invoices"
              ADD CONSTRAINT "ck_invoices_status" CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
              ADD CONSTRAINT "ck_invoices_total" CHECK (total_cents = subtotal_cents - discount_cents + tax_cents),
              ADD CONSTRAINT "ck_invoices_paid" CHECK (amount_paid_cents >= 0 AND amount_due_cents >= 0),
              ADD CONSTRAINT "ck_invoices_numbered" CHECK ((status = 'draft') = (number IS NULL) OR status = 'void')
        `);
        await queryRunner.query(`
            CREATE FUNCTION invoices_freeze_finalized() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.status <> 'draft' AND (
                NEW.tenant_id, NEW.number, NEW.currency, NEW.billing_reason, NEW.subtotal_cents, NEW.discount_cents, NEW.tax_cents,
                NEW.tax_note, NEW.total_cents, NEW.net_days, NEW.billed_to, NEW.finalized_at, NEW.due_at
              ) IS DISTINCT FROM (
                OLD.tenant_id, OLD.number, OLD.currency, OLD.billing_reason, OLD.subtotal_cents, OLD.discount_cents, OLD.tax_cents,
                OLD.tax_note, OLD.total_cents, OLD.net_days, OLD.billed_to, OLD.finalized_at, OLD.due_at
              ) THEN
                RAISE EXCEPTION 'invoice % is finalized: its amounts, number and dates are immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_freeze_finalized()
        `);
        await queryRunner.query(`
            CREATE FUNCTION invoice_lines_freeze_finalized() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF (SELECT status FROM invoices WHERE id = NEW.invoice_id) IS DISTINCT FROM 'draft' THEN
                RAISE EXCEPTION 'invoice % is not a draft: its lines are immutable', NEW.invoice_id USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION invoice_lines_freeze_finalized()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER invoice_lines_frozen ON invoice_lines`);
        await queryRunner.query(`DROP FUNCTION invoice_lines_freeze_finalized()`);
        await queryRunner.query(`DROP TRIGGER invoices_frozen ON invoices`);
        await queryRunner.query(`DROP FUNCTION invoices_freeze_finalized()`);
        await queryRunner.query(`
            DROP INDEX "public"."ix_invoice_lines_invoice"
        `);
        await queryRunner.query(`
            DROP TABLE "invoice_lines"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_invoices_number"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_invoices_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_invoices_status_due"
        `);
        await queryRunner.query(`
            DROP TABLE "invoices"
        `);
        await queryRunner.query(`
            DROP TABLE "document_number_sequences"
        `);
    }

}
