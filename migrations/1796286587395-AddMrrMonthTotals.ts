import { MigrationInterface, QueryRunner } from "typeorm";

export class AddMrrMonthTotals1796286587395 implements MigrationInterface {
    name = 'AddMrrMonthTotals1796286587395'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mrr_month_totals" (
                "currency" character(3) NOT NULL,
                "month" TIMESTAMP WITH TIME ZONE NOT NULL,
                "kind" text NOT NULL,
                "amount_cents" bigint NOT NULL,
                "movements" integer NOT NULL,
                "tenants" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_eae967effb4750fc4e60d58990a" PRIMARY KEY ("currency", "month", "kind")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "mrr_rollup_state" (
                "id" smallint NOT NULL,
                "closed_until" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_mrr_rollup_state_single" CHECK (id = 1),
                CONSTRAINT "PK_dc57bedc457821e116272431eb6" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_mrr_movements_occurred" ON "mrr_movements" ("occurred_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_mrr_movements_occurred"
        `);
        await queryRunner.query(`
            DROP TABLE "mrr_rollup_state"
        `);
        await queryRunner.query(`
            DROP TABLE "mrr_month_totals"
        `);
    }

}
