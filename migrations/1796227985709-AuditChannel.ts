import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Generated, plus a backfill: rows written before this column by jobs and event consumers
 * (method `JOB`) get channel `job`. audit_logs is append-only (migration AuditAppendOnly), so its
 * row trigger is disabled for this one UPDATE only; ALTER TABLE holds an ACCESS EXCLUSIVE lock
 * until the migration's transaction ends, so no other change can slip through meanwhile.
 */
export class AuditChannel1796227985709 implements MigrationInterface {
    name = 'AuditChannel1796227985709'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "audit_logs"
            ADD "channel" text NOT NULL DEFAULT 'http'
        `);
        await queryRunner.query(`ALTER TABLE "audit_logs" DISABLE TRIGGER "audit_logs_append_only"`);
        await queryRunner.query(`UPDATE "audit_logs" SET "channel" = 'job' WHERE "method" = 'JOB'`);
        await queryRunner.query(`ALTER TABLE "audit_logs" ENABLE TRIGGER "audit_logs_append_only"`);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_logs_channel" ON "audit_logs" ("channel", "occurred_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_logs_channel"
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_logs" DROP COLUMN "channel"
        `);
    }

}
