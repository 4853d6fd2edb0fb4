import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Staff two-factor authentication: one TOTP factor per staff member (sealed secret, pending until
 * confirmed), single-use recovery codes stored as keyed hashes, and the RFC 8176 `amr` of each
 * refresh token family (existing logins were password-only).
 */
export class StaffTwoFactor1796421728126 implements MigrationInterface {
    name = 'StaffTwoFactor1796421728126'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "staff_recovery_codes" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "staff_id" uuid NOT NULL,
                "code_hash" text NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_691d7c6b7f1a1adaffc3c763573" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_staff_recovery_codes_hash" ON "staff_recovery_codes" ("staff_id", "code_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "staff_totp_factors" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "staff_id" uuid NOT NULL,
                "secret_sealed" text NOT NULL,
                "confirmed_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_103bf673e3b2f4569de3385f0a1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_staff_totp_factors_staff" ON "staff_totp_factors" ("staff_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD "amr" text array NOT NULL DEFAULT '{pwd}'
        `);
        await queryRunner.query(`
            ALTER TABLE "staff_recovery_codes"
            ADD CONSTRAINT "FK_350ec7133b462b3d444ef298bd1" FOREIGN KEY ("staff_id") REFERENCES "staff_members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "staff_totp_factors"
            ADD CONSTRAINT "FK_d5503d5a5bbde76e9799f557347" FOREIGN KEY ("staff_id") REFERENCES "staff_members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "staff_totp_factors" DROP CONSTRAINT "FK_d5503d5a5bbde76e9799f557347"
        `);
        await queryRunner.query(`
            ALTER TABLE "staff_recovery_codes" DROP CONSTRAINT "FK_350ec7133b462b3d444ef298bd1"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP COLUMN "amr"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_staff_totp_factors_staff"
        `);
        await queryRunner.query(`
            DROP TABLE "staff_totp_factors"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_staff_recovery_codes_hash"
        `);
        await queryRunner.query(`
            DROP TABLE "staff_recovery_codes"
        `);
    }

}
