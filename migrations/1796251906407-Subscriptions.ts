import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Subscriptions (a tenant's plan subscription, module subscriptions) and the pending invoice items
 * ledger; tenant_quotas gains the licence count billing writes. Every existing tenant gets its plan
 * subscription from its quota: the plan's monthly price, licenses = the plan's members limit, its
 * billing status and trial, and a monthly period anchored on the quota's creation (or the period
 * end and trial end already recorded).
 */
export class Subscriptions1796251906407 implements MigrationInterface {
    name = 'Subscriptions1796251906407'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "pending_invoice_items" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "seq" BIGSERIAL NOT NULL,
                "tenant_id" uuid NOT NULL,
                "subscription_id" uuid NOT NULL,
                "description" text NOT NULL,
                "quantity" integer NOT NULL,
                "unit_amount_cents" bigint NOT NULL,
                "amount_cents" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "proration" boolean NOT NULL,
                "source_action" text NOT NULL,
                "invoice_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b6477e831ccb4b761ad2c1a8fe9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_pending_invoice_items_tenant" ON "pending_invoice_items" ("tenant_id", "seq")
        `);
        await queryRunner.query(`
            CREATE TABLE "subscriptions" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "plan_id" uuid,
                "module_id" uuid,
                "item_code" text NOT NULL,
                "status" text NOT NULL,
                "interval" text NOT NULL,
                "quantity" integer,
                "per_seat" boolean NOT NULL DEFAULT false,
                "unit_amount_cents" bigint NOT NULL,
                "seat_unit_amount_cents" bigint NOT NULL DEFAULT '0',
                "price_override_cents" bigint,
                "currency" character(3) NOT NULL,
                "billing_cycle_anchor" TIMESTAMP WITH TIME ZONE NOT NULL,
                "current_period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "current_period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "trial_start" TIMESTAMP WITH TIME ZONE,
                "trial_ends_at" TIMESTAMP WITH TIME ZONE,
                "trial_reminder_sent_for" TIMESTAMP WITH TIME ZONE,
                "cancel_at_period_end" boolean NOT NULL DEFAULT false,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "scheduled_change" jsonb,
                "payment_method_label" text,
                "notes" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a87248d73155605cf782be9ee5e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscriptions_status" ON "subscriptions" ("status", "current_period_end")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_subscriptions_live_module" ON "subscriptions" ("tenant_id", "module_id")
            WHERE kind = 'module'
                AND status <> 'cancelled'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_subscriptions_plan_per_tenant" ON "subscriptions" ("tenant_id")
            WHERE kind = 'plan'
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas"
            ADD "licenses" integer
        `);
        await queryRunner.query(`
            WITH q AS (
                SELECT q.tenant_id, q.billing_status, q.trial_ends_at, q.created_at, p.id AS plan_id, p.code, p.currency,
                       p.monthly_price_cents, (p.limits->>'members')::int AS members,
                       COALESCE(q.trial_ends_at, q.current_period_ends_at,
                                q.created_at + make_interval(months => (extract(year from age(now(), q.created_at)) * 12 + extract(month from age(now(), q.created_at)))::int + 1)) AS period_end
                FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id
            )
            INSERT INTO subscriptions (tenant_id, kind, plan_id, item_code, status, interval, quantity, unit_amount_cents, seat_unit_amount_cents, currency,
                                       billing_cycle_anchor, current_period_start, current_period_end, trial_start, trial_ends_at)
            SELECT tenant_id, 'plan', plan_id, code, billing_status, 'month', members, monthly_price_cents, 0, currency,
                   period_end, GREATEST(created_at, period_end - interval '1 month'), period_end,
                   CASE WHEN trial_ends_at IS NOT NULL THEN created_at END, trial_ends_at
            FROM q
        `);
        await queryRunner.query(`
            UPDATE tenant_quotas q SET licenses = (p.limits->>'members')::int FROM plans p WHERE p.id = q.plan_id
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas" DROP COLUMN "licenses"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_subscriptions_plan_per_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_subscriptions_live_module"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscriptions_status"
        `);
        await queryRunner.query(`
            DROP TABLE "subscriptions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_pending_invoice_items_tenant"
        `);
        await queryRunner.query(`
            DROP TABLE "pending_invoice_items"
        `);
    }

}
