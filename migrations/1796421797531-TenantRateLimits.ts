import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantRateLimits1796421797531 implements MigrationInterface {
    name = 'TenantRateLimits1796421797531'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "plans"
            ADD "rate_limit_requests_per_minute" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "plans"
            ADD "rate_limit_burst" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas"
            ADD "rate_limit_override_requests_per_minute" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas"
            ADD "rate_limit_override_burst" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas"
            ADD "rate_limit_override_until" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas"
            ADD "rate_limit_override_reason" text
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenant_quotas_rate_limit_override" ON "tenant_quotas" ("rate_limit_override_until")
            WHERE rate_limit_override_requests_per_minute IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenant_quotas_rate_limit_override"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas" DROP COLUMN "rate_limit_override_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas" DROP COLUMN "rate_limit_override_until"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas" DROP COLUMN "rate_limit_override_burst"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_quotas" DROP COLUMN "rate_limit_override_requests_per_minute"
        `);
        await queryRunner.query(`
            ALTER TABLE "plans" DROP COLUMN "rate_limit_burst"
        `);
        await queryRunner.query(`
            ALTER TABLE "plans" DROP COLUMN "rate_limit_requests_per_minute"
        `);
    }

}
