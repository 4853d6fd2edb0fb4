import { MigrationInterface, QueryRunner } from "typeorm";

export class ImpersonationEndReason1796222906659 implements MigrationInterface {
    name = 'ImpersonationEndReason1796222906659'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "impersonation_sessions"
            ADD "end_reason" text
        `);
        // Sessions ended before this column existed were all ended by staff.
        await queryRunner.query(`
            UPDATE "impersonation_sessions" SET "end_reason" = 'ended_by_staff' WHERE "ended_at" IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "impersonation_sessions" DROP COLUMN "end_reason"
        `);
    }

}
