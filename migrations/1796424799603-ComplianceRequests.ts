import { MigrationInterface, QueryRunner } from "typeorm";

/** Columns of a finalized invoice that never change (migration Invoices), billed_to aside. */
const FROZEN = 'tenant_id, number, currency, billing_reason, subtotal_cents, discount_cents, tax_cents, tax_note, total_cents, net_days, finalized_at, due_at';
const row = (alias: 'NEW' | 'OLD') => FROZEN.split(', ').map((c) => `${alias}.${c}`).join(', ');

/**
 * Generated (compliance_requests), plus hand-written: the finalized-invoice freeze now lets a GDPR
 * erasure pseudonymise `billed_to` — and nothing else — when the transaction has set
 * `app.gdpr_pseudonymisation = on` (set_config(..., true): for that transaction only; the billing
 * context's personal data eraser does). Invoices are kept for the law (GDPR Art. 17(3)(b)); their
 * amounts, number and dates stay immutable (docs/compliance.md).
 */
export class ComplianceRequests1796424799603 implements MigrationInterface {
    name = 'ComplianceRequests1796424799603'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "compliance_requests" (
                "id" uuid NOT NULL,
                "kind" text NOT NULL,
                "subject_kind" text NOT NULL,
                "tenant_id" uuid NOT NULL,
                "subject_email" text,
                "subject_pseudonym" text,
                "subject_principals" jsonb,
                "reason" text NOT NULL,
                "status" text NOT NULL,
                "requested_by" jsonb NOT NULL,
                "requested_by_id" uuid NOT NULL,
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "approved_by_id" uuid,
                "approved_by_email" text,
                "approved_at" TIMESTAMP WITH TIME ZONE,
                "approval_note" text,
                "rejected_by_id" uuid,
                "rejected_by_email" text,
                "rejected_at" TIMESTAMP WITH TIME ZONE,
                "rejection_note" text,
                "job_id" uuid,
                "result" jsonb,
                "error" jsonb,
                "archive_key" text,
                "archive_bytes" bigint,
                "archive_sha256" text,
                "archive_expires_at" TIMESTAMP WITH TIME ZONE,
                "archive_purged_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1500c8f320636851d2efc47ab66" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_archive_expiry" ON "compliance_requests" ("archive_expires_at")
            WHERE archive_purged_at IS NULL
                AND archive_key IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_pending_expiry" ON "compliance_requests" ("expires_at")
            WHERE status = 'pending_approval'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_kind" ON "compliance_requests" ("kind", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_status" ON "compliance_requests" ("status", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_tenant" ON "compliance_requests" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_compliance_requests_created" ON "compliance_requests" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION invoices_freeze_finalized() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.status <> 'draft' AND (
                (${row('NEW')}) IS DISTINCT FROM (${row('OLD')})
                OR (NEW.billed_to IS DISTINCT FROM OLD.billed_to AND current_setting('app.gdpr_pseudonymisation', true) IS DISTINCT FROM 'on')
              ) THEN
                RAISE EXCEPTION 'invoice % is finalized: its amounts, number and dates are immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END $$
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION invoices_freeze_finalized() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.status <> 'draft' AND (${row('NEW')}, NEW.billed_to) IS DISTINCT FROM (${row('OLD')}, OLD.billed_to) THEN
                RAISE EXCEPTION 'invoice % is finalized: its amounts, number and dates are immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END $$
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_pending_expiry"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_compliance_requests_archive_expiry"
        `);
        await queryRunner.query(`
            DROP TABLE "compliance_requests"
        `);
    }

}
