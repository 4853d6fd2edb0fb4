import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Generated, then reordered by hand to move the data before the old columns go
 * (docs/adr/0016-usage-metric-registry.md):
 * - usage counters leave the per-metric columns of tenant_usage for one usage_counters row per
 *   (tenant, metric, period start). The levels (members, orgAdmins, projects, domains) are copied
 *   for every tenant, zeros included, at the fixed period start 1970-01-01 (as provisioning now
 *   creates them); automation_runs_this_month counted the current month, so a non-zero value
 *   becomes the row of the current calendar month in UTC (the month this migration runs in).
 *   tenant_usage keeps its row per tenant (the usage account: last recount, the recount's lock).
 * - daily snapshots move from one column per metric to `counters` jsonb keyed by metric code.
 * Metric codes are spelled out here on purpose: a migration records the schema of its day and
 * must not follow later changes of the registry. `down` copies the same values back.
 */
export class UsageCountersPerPeriod1796228430487 implements MigrationInterface {
    name = 'UsageCountersPerPeriod1796228430487'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "usage_counters" (
                "tenant_id" uuid NOT NULL,
                "metric" text NOT NULL,
                "period_start" date NOT NULL,
                "value" bigint NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_usage_counters_value_not_negative" CHECK ("value" >= 0),
                CONSTRAINT "PK_d877766f8129e8448f669daff89" PRIMARY KEY ("tenant_id", "metric", "period_start")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "usage_counters" ("tenant_id", "metric", "period_start", "value")
            SELECT u."tenant_id", c."metric", DATE '1970-01-01', c."value"
              FROM "tenant_usage" u
             CROSS JOIN LATERAL (VALUES
                ('members', u."member_count"),
                ('orgAdmins', u."org_admin_count"),
                ('projects', u."project_count"),
                ('domains', u."domain_count")
             ) AS c("metric", "value")
        `);
        await queryRunner.query(`
            INSERT INTO "usage_counters" ("tenant_id", "metric", "period_start", "value")
            SELECT "tenant_id", 'automationsPerMonth', date_trunc('month', now() AT TIME ZONE 'UTC')::date, "automation_runs_this_month"
              FROM "tenant_usage"
             WHERE "automation_runs_this_month" > 0
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots"
            ADD "counters" jsonb NOT NULL DEFAULT '{}'
        `);
        await queryRunner.query(`
            UPDATE "tenant_usage_snapshots"
               SET "counters" = jsonb_build_object(
                   'members', "member_count",
                   'orgAdmins', "org_admin_count",
                   'projects', "project_count",
                   'domains', "domain_count",
                   'automationsPerMonth', "automation_runs_this_month")
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "member_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "org_admin_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "project_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "domain_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "automation_runs_this_month"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage" DROP COLUMN "member_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage" DROP COLUMN "org_admin_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage" DROP COLUMN "project_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage" DROP COLUMN "domain_count"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenant_usage" DROP COLUMN "automation_runs_this_month"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        for (const column of ["member_count", "org_admin_count", "project_count", "domain_count", "automation_runs_this_month"]) {
            await queryRunner.query(`ALTER TABLE "tenant_usage" ADD "${column}" integer NOT NULL DEFAULT '0'`);
            await queryRunner.query(`ALTER TABLE "tenant_usage_snapshots" ADD "${column}" integer NOT NULL DEFAULT '0'`);
        }
        await queryRunner.query(`
            UPDATE "tenant_usage" u SET
                "member_count" = COALESCE((SELECT LEAST(c."value", 2147483647) FROM "usage_counters" c WHERE c."tenant_id" = u."tenant_id" AND c."metric" = 'members' AND c."period_start" = DATE '1970-01-01'), 0),
                "org_admin_count" = COALESCE((SELECT LEAST(c."value", 2147483647) FROM "usage_counters" c WHERE c."tenant_id" = u."tenant_id" AND c."metric" = 'orgAdmins' AND c."period_start" = DATE '1970-01-01'), 0),
                "project_count" = COALESCE((SELECT LEAST(c."value", 2147483647) FROM "usage_counters" c WHERE c."tenant_id" = u."tenant_id" AND c."metric" = 'projects' AND c."period_start" = DATE '1970-01-01'), 0),
                "domain_count" = COALESCE((SELECT LEAST(c."value", 2147483647) FROM "usage_counters" c WHERE c."tenant_id" = u."tenant_id" AND c."metric" = 'domains' AND c."period_start" = DATE '1970-01-01'), 0),
                "automation_runs_this_month" = COALESCE((SELECT LEAST(c."value", 2147483647) FROM "usage_counters" c WHERE c."tenant_id" = u."tenant_id" AND c."metric" = 'automationsPerMonth'
                    AND c."period_start" = date_trunc('month', now() AT TIME ZONE 'UTC')::date), 0)
        `);
        await queryRunner.query(`
            UPDATE "tenant_usage_snapshots" SET
                "member_count" = COALESCE(("counters"->>'members')::int, 0),
                "org_admin_count" = COALESCE(("counters"->>'orgAdmins')::int, 0),
                "project_count" = COALESCE(("counters"->>'projects')::int, 0),
                "domain_count" = COALESCE(("counters"->>'domains')::int, 0),
                "automation_runs_this_month" = COALESCE(("counters"->>'automationsPerMonth')::int, 0)
        `);
        // The snapshot columns had no default before this migration.
        for (const column of ["member_count", "org_admin_count", "project_count", "domain_count", "automation_runs_this_month"]) {
            await queryRunner.query(`ALTER TABLE "tenant_usage_snapshots" ALTER COLUMN "${column}" DROP DEFAULT`);
        }
        await queryRunner.query(`
            ALTER TABLE "tenant_usage_snapshots" DROP COLUMN "counters"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_counters"
        `);
    }

}
