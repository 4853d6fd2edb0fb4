import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCoupons1796285097123 implements MigrationInterface {
    name = 'AddCoupons1796285097123'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "coupons" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "code" text NOT NULL,
                "name" text NOT NULL,
                "percent_off" numeric(5, 2),
                "amount_off_cents" bigint,
                "currency" character(3),
                "duration" text NOT NULL,
                "duration_in_months" integer,
                "max_redemptions" integer,
                "times_redeemed" integer NOT NULL DEFAULT '0',
                "redeem_by" TIMESTAMP WITH TIME ZONE,
                "applies_to" jsonb NOT NULL DEFAULT '{"planCodes": [], "moduleCodes": []}',
                "is_active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_coupons_redemptions" CHECK (
                    times_redeemed >= 0
                    AND (
                        max_redemptions IS NULL
                        OR times_redeemed <= max_redemptions
                    )
                ),
                CONSTRAINT "ck_coupons_duration" CHECK (
                    duration IN ('once', 'repeating', 'forever')
                    AND (duration = 'repeating') = (duration_in_months IS NOT NULL)
                ),
                CONSTRAINT "ck_coupons_amount" CHECK (
                    amount_off_cents IS NULL
                    OR amount_off_cents > 0
                ),
                CONSTRAINT "ck_coupons_percent" CHECK (
                    percent_off IS NULL
                    OR (
                        percent_off > 0
                        AND percent_off <= 100
                    )
                ),
                CONSTRAINT "ck_coupons_terms" CHECK (
                    (percent_off IS NULL) <> (amount_off_cents IS NULL)
                    AND (amount_off_cents IS NULL) = (currency IS NULL)
                ),
                CONSTRAINT "ck_coupons_code_upper" CHECK (code = upper(code)),
                CONSTRAINT "PK_d7ea8864a0150183770f3e9a8cb" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_coupons_active_created" ON "coupons" ("is_active", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_coupons_code" ON "coupons" ("code")
        `);
        await queryRunner.query(`
            CREATE TABLE "subscription_discounts" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "subscription_id" uuid NOT NULL,
                "coupon_id" uuid NOT NULL,
                "code" text NOT NULL,
                "percent_off" numeric(5, 2),
                "amount_off_cents" bigint,
                "currency" character(3),
                "duration" text NOT NULL,
                "periods_remaining" integer,
                "redeemed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ended_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_subscription_discounts_periods" CHECK (
                    periods_remaining IS NULL
                    OR periods_remaining >= 0
                ),
                CONSTRAINT "PK_614fd076d56efbdf1b1dc5dc6ad" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscription_discounts_coupon" ON "subscription_discounts" ("coupon_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscription_discounts_tenant" ON "subscription_discounts" ("tenant_id", "redeemed_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_subscription_discounts_live" ON "subscription_discounts" ("subscription_id")
            WHERE ended_at IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines"
            ADD "kind" text NOT NULL DEFAULT 'charge'
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines"
            ADD "coupon_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items"
            ADD "kind" text NOT NULL DEFAULT 'charge'
        `);
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items"
            ADD "coupon_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines"
            ADD CONSTRAINT "ck_invoice_lines_kind" CHECK (
                    kind IN ('charge', 'discount')
                    AND (kind = 'discount') = (coupon_id IS NOT NULL)
                )
        `);
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items"
            ADD CONSTRAINT "ck_pending_invoice_items_kind" CHECK (
                    kind IN ('charge', 'discount')
                    AND (kind = 'discount') = (coupon_id IS NOT NULL)
                )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items" DROP CONSTRAINT "ck_pending_invoice_items_kind"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines" DROP CONSTRAINT "ck_invoice_lines_kind"
        `);
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items" DROP COLUMN "coupon_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "pending_invoice_items" DROP COLUMN "kind"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines" DROP COLUMN "coupon_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoice_lines" DROP COLUMN "kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_subscription_discounts_live"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscription_discounts_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscription_discounts_coupon"
        `);
        await queryRunner.query(`
            DROP TABLE "subscription_discounts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_coupons_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_coupons_active_created"
        `);
        await queryRunner.query(`
            DROP TABLE "coupons"
        `);
    }

}
