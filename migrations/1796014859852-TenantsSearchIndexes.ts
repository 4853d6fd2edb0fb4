import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: indexes TypeORM cannot declare. GIN on tenants.tags for the `tag` filter of the
 * admin tenant list (the entity marks it `synchronize: false`).
 */
export class TenantsSearchIndexes1796014859852 implements MigrationInterface {
  name = 'TenantsSearchIndexes1796014859852';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "ix_tenants_tags" ON "tenants" USING GIN ("tags")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_tenants_tags"');
  }
}
