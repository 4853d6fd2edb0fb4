import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: trigram index for the admin tenant search (`q` matches name, slug and contact
 * email, case-insensitively, anywhere in the text). pg_trgm is a trusted extension (PostgreSQL 13+),
 * so the database owner can create it. The entity declares the index with `synchronize: false`.
 */
export class TenantSearchTrigram1796017598369 implements MigrationInterface {
  name = 'TenantSearchTrigram1796017598369';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query(`CREATE INDEX "ix_tenants_search" ON "tenants" USING GIN ((name || ' ' || slug || ' ' || contact_email) gin_trgm_ops)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_tenants_search"');
  }
}
