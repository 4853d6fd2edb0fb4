import { MigrationInterface, QueryRunner } from "typeorm";

export class AddMrrMovements1796285168719 implements MigrationInterface {
    name = 'AddMrrMovements1796285168719'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mrr_movements" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "seq" BIGSERIAL NOT NULL,
                "tenant_id" uuid NOT NULL,
                "subscription_id" uuid,
                "change_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "kind" text NOT NULL,
                "mrr_before_cents" bigint NOT NULL,
                "mrr_after_cents" bigint NOT NULL,
                "delta_cents" bigint NOT NULL,
                "cause" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_mrr_movements_delta" CHECK (
                    delta_cents = mrr_after_cents - mrr_before_cents
                    AND mrr_before_cents >= 0
                    AND mrr_after_cents >= 0
                ),
                CONSTRAINT "ck_mrr_movements_kind" CHECK (
                    kind IN (
                        'new',
                        'expansion',
                        'contraction',
                        'churn',
                        'reactivation'
                    )
                ),
                CONSTRAINT "PK_a667a6bcc3f510cada6fc2c74b6" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_mrr_movements_change" ON "mrr_movements" ("change_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_mrr_movements_tenant_occurred" ON "mrr_movements" ("tenant_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_mrr_movements_currency_occurred" ON "mrr_movements" ("currency", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "subscription_history" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "seq" BIGSERIAL NOT NULL,
                "tenant_id" uuid NOT NULL,
                "subscription_id" uuid NOT NULL,
                "change_id" uuid NOT NULL,
                "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL,
                "kind" text NOT NULL,
                "item_code" text NOT NULL,
                "status" text NOT NULL,
                "previous_status" text,
                "interval" text NOT NULL,
                "quantity" integer,
                "per_seat" boolean NOT NULL,
                "unit_amount_cents" bigint NOT NULL,
                "seat_unit_amount_cents" bigint NOT NULL,
                "price_override_cents" bigint,
                "currency" character(3) NOT NULL,
                "discount" jsonb,
                "cause" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_91a0ee8b462f23bfb2ad7924754" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscription_history_trial_ends" ON "subscription_history" ("valid_from")
            WHERE previous_status = 'trial'
                AND status <> 'trial'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscription_history_subscription" ON "subscription_history" ("subscription_id", "seq")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_subscription_history_tenant" ON "subscription_history" ("tenant_id", "seq")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_mrr" (
                "tenant_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "mrr_cents" bigint NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4f78eee3cb212e6c0f900fdab61" PRIMARY KEY ("tenant_id", "currency")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "tenant_mrr"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscription_history_tenant"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscription_history_subscription"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_subscription_history_trial_ends"
        `);
        await queryRunner.query(`
            DROP TABLE "subscription_history"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_mrr_movements_currency_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_mrr_movements_tenant_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_mrr_movements_change"
        `);
        await queryRunner.query(`
            DROP TABLE "mrr_movements"
        `);
    }

}
