import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: the audit trail is append-only (issue 2 §6). UPDATE, DELETE and TRUNCATE are rejected. */
export class AuditAppendOnly1796014546342 implements MigrationInterface {
  name = 'AuditAppendOnly1796014546342';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_logs_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
      FOR EACH ROW EXECUTE FUNCTION audit_logs_reject_change()
    `);
    await queryRunner.query(`
      CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
      FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_logs_no_truncate ON audit_logs');
    await queryRunner.query('DROP TRIGGER audit_logs_append_only ON audit_logs');
    await queryRunner.query('DROP FUNCTION audit_logs_reject_change()');
  }
}
