import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantHealth1796412161215 implements MigrationInterface {
    name = 'TenantHealth1796412161215'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tenant_health_snapshots" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "day" date NOT NULL,
                "score" integer NOT NULL,
                "risk" text NOT NULL,
                "signals" jsonb NOT NULL,
                "top_reason" text,
                "model_version" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2749a46e6a0ea6a5b696ff9a9ab" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_health_snapshots_day_score" ON "tenant_health_snapshots" ("day", "score")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_tenant_health_snapshots_day" ON "tenant_health_snapshots" ("tenant_id", "day")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_tenant_health_snapshots_day"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_health_snapshots_day_score"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_health_snapshots"
        `);
    }

}
