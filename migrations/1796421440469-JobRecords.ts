import { MigrationInterface, QueryRunner } from "typeorm";

export class JobRecords1796421440469 implements MigrationInterface {
    name = 'JobRecords1796421440469'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" uuid NOT NULL,
                "type" text NOT NULL,
                "tenant_id" uuid,
                "requested_by" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'queued',
                "params" jsonb NOT NULL DEFAULT '{}',
                "progress_done" integer NOT NULL DEFAULT '0',
                "progress_total" integer,
                "result" jsonb,
                "error" jsonb,
                "attempts" integer NOT NULL DEFAULT '0',
                "max_attempts" integer NOT NULL DEFAULT '3',
                "cancel_requested_at" TIMESTAMP WITH TIME ZONE,
                "locked_until" TIMESTAMP WITH TIME ZONE,
                "worker_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_status_lease" ON "jobs" ("status", "locked_until")
            WHERE status IN ('queued', 'running')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_tenant_created" ON "jobs" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_jobs_created" ON "jobs" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "job_items" (
                "id" uuid NOT NULL,
                "job_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "item_key" text NOT NULL,
                "outcome" text NOT NULL,
                "code" text,
                "message" text,
                "detail" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c54c5b381767fa542473787afe4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_job_items_seq" ON "job_items" ("job_id", "seq")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_job_items_key" ON "job_items" ("job_id", "item_key")
        `);
        await queryRunner.query(`
            ALTER TABLE "job_items"
            ADD CONSTRAINT "FK_40cc69e2f53a5e2384ad34fbed0" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "job_items" DROP CONSTRAINT "FK_40cc69e2f53a5e2384ad34fbed0"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_job_items_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_job_items_seq"
        `);
        await queryRunner.query(`
            DROP TABLE "job_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_tenant_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_jobs_status_lease"
        `);
        await queryRunner.query(`
            DROP TABLE "jobs"
        `);
    }

}
