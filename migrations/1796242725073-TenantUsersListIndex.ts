import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The tenant users list is ordered by (created_at, id) within a tenant: this index serves that
 * ORDER BY, so a page of a 27,000-user tenant is an index scan of `limit` rows instead of a
 * sort of every row (docs/adr/0018).
 */
export class TenantUsersListIndex1796242725073 implements MigrationInterface {
    name = 'TenantUsersListIndex1796242725073'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_tenant_users_tenant_created" ON "tenant_users" ("tenant_id", "created_at", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_tenant_users_tenant_created"`);
    }
}
