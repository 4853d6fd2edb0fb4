import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantBackups1796424615152 implements MigrationInterface {
    name = 'TenantBackups1796424615152'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tenant_backups" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "job_id" uuid NOT NULL,
                "includes_credentials" boolean NOT NULL,
                "requested_by" jsonb NOT NULL,
                "counts" jsonb,
                "file_key" text,
                "byte_size" bigint,
                "sha256" text,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "download_started_at" TIMESTAMP WITH TIME ZONE,
                "downloaded_at" TIMESTAMP WITH TIME ZONE,
                "file_removed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_46af341c4625d1feca45397c56c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_backups_purge" ON "tenant_backups" ("expires_at")
            WHERE file_removed_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_backups_tenant_created" ON "tenant_backups" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_restores" (
                "id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "job_id" uuid NOT NULL,
                "dry_run" boolean NOT NULL,
                "requested_by" jsonb NOT NULL,
                "manifest" jsonb NOT NULL,
                "file_key" text NOT NULL,
                "byte_size" bigint NOT NULL,
                "sha256" text NOT NULL,
                "file_removed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f49137f63172fdeae34b79e2977" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_restores_purge" ON "tenant_restores" ("created_at")
            WHERE file_removed_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_restores_tenant_created" ON "tenant_restores" ("tenant_id", "created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_restores_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_restores_purge"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_restores"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_backups_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_backups_purge"
        `);
        await queryRunner.query(`
            DROP TABLE "tenant_backups"
        `);
    }

}
