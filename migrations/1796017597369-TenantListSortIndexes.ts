import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantListSortIndexes1796017597369 implements MigrationInterface {
    name = 'TenantListSortIndexes1796017597369'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_name"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_created" ON "tenants" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_name" ON "tenants" ("name", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_name"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tenants_created"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_name" ON "tenants" USING btree ("name")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tenants_created" ON "tenants" USING btree ("created_at")
        `);
    }

}
