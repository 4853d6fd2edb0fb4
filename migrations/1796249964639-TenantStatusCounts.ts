import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Exact per-status tenant counts for the admin tenant list's `meta.total` (docs/adr/0018): a
 * deferred constraint trigger adds each row change's ±1 at COMMIT — the counter rows are locked
 * for the commit only, not for the rest of a provisioning transaction — and upserts in status
 * order, so two transactions moving tenants between the same statuses lock the rows in the same
 * order (no deadlock). The table starts from a recount of the existing tenants.
 */
export class TenantStatusCounts1796249964639 implements MigrationInterface {
    name = 'TenantStatusCounts1796249964639'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tenant_status_counts" (
                "status" text NOT NULL,
                "tenants" bigint NOT NULL DEFAULT '0',
                CONSTRAINT "PK_e17ad693c7bcaa444cf35d0d351" PRIMARY KEY ("status")
            )
        `);
        await queryRunner.query(`
            CREATE FUNCTION tenant_status_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
                    RETURN NULL;
                END IF;
                INSERT INTO tenant_status_counts AS c (status, tenants)
                SELECT d.status, sum(d.delta)
                FROM (
                    SELECT OLD.status AS status, -1 AS delta WHERE TG_OP IN ('UPDATE', 'DELETE')
                    UNION ALL
                    SELECT NEW.status, 1 WHERE TG_OP IN ('UPDATE', 'INSERT')
                ) d
                GROUP BY d.status
                ORDER BY d.status
                ON CONFLICT (status) DO UPDATE SET tenants = c.tenants + EXCLUDED.tenants;
                RETURN NULL;
            END
            $$
        `);
        await queryRunner.query(`
            CREATE CONSTRAINT TRIGGER tenant_status_counts_apply
            AFTER INSERT OR DELETE OR UPDATE OF status ON tenants
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tenant_status_counts_apply()
        `);
        // TRUNCATE fires no row triggers: it empties the counts with the table.
        await queryRunner.query(`
            CREATE FUNCTION tenant_status_counts_reset() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM tenant_status_counts;
                RETURN NULL;
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER tenant_status_counts_reset AFTER TRUNCATE ON tenants
            FOR EACH STATEMENT EXECUTE FUNCTION tenant_status_counts_reset()
        `);
        await queryRunner.query(`
            INSERT INTO tenant_status_counts (status, tenants)
            SELECT status, count(*) FROM tenants GROUP BY status
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER tenant_status_counts_reset ON tenants`);
        await queryRunner.query(`DROP FUNCTION tenant_status_counts_reset()`);
        await queryRunner.query(`DROP TRIGGER tenant_status_counts_apply ON tenants`);
        await queryRunner.query(`DROP FUNCTION tenant_status_counts_apply()`);
        await queryRunner.query(`
            DROP TABLE "tenant_status_counts"
        `);
    }

}
