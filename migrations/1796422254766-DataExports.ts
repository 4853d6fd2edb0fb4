import { MigrationInterface, QueryRunner } from "typeorm";

export class DataExports1796422254766 implements MigrationInterface {
    name = 'DataExports1796422254766'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "data_exports" (
                "id" uuid NOT NULL,
                "job_id" uuid NOT NULL,
                "tenant_id" uuid,
                "type" text NOT NULL,
                "format" text NOT NULL DEFAULT 'csv',
                "filters" jsonb NOT NULL DEFAULT '{}',
                "requested_by" jsonb NOT NULL,
                "file_key" text,
                "row_count" integer,
                "byte_size" bigint,
                "sha256" text,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "purged_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3e8b8b297ef4446f30527695c10" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_data_exports_expiry" ON "data_exports" ("expires_at")
            WHERE purged_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_data_exports_tenant_created" ON "data_exports" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_data_exports_created" ON "data_exports" ("created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_data_exports_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_data_exports_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_data_exports_expiry"
        `);
        await queryRunner.query(`
            DROP TABLE "data_exports"
        `);
    }

}
