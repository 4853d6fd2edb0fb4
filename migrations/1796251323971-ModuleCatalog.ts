import { MigrationInterface, QueryRunner } from "typeorm";

/** The module catalog (product_modules) and the plans' per-seat prices (0 for existing plans: seats stay included). */
export class ModuleCatalog1796251323971 implements MigrationInterface {
    name = 'ModuleCatalog1796251323971'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "product_modules" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "code" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "pricing_model" text NOT NULL DEFAULT 'flat',
                "monthly_price_cents" bigint NOT NULL DEFAULT '0',
                "annual_price_cents" bigint NOT NULL DEFAULT '0',
                "currency" character(3) NOT NULL,
                "trial_days" integer NOT NULL DEFAULT '14',
                "is_active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_13289cb413de667995c7ef9d5cc" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_product_modules_code" ON "product_modules" ("code")
        `);
        await queryRunner.query(`
            ALTER TABLE "plans"
            ADD "seat_monthly_price_cents" bigint NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            ALTER TABLE "plans"
            ADD "seat_annual_price_cents" bigint NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "plans" DROP COLUMN "seat_annual_price_cents"
        `);
        await queryRunner.query(`
            ALTER TABLE "plans" DROP COLUMN "seat_monthly_price_cents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_product_modules_code"
        `);
        await queryRunner.query(`
            DROP TABLE "product_modules"
        `);
    }

}
