import { MigrationInterface, QueryRunner } from "typeorm";

export class Partners1796305738635 implements MigrationInterface {
    name = 'Partners1796305738635'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "partner_api_keys" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "partner_id" uuid NOT NULL,
                "name" text NOT NULL,
                "prefix" text NOT NULL,
                "key_hash" text NOT NULL,
                "scopes" text array NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "status" text NOT NULL DEFAULT 'active',
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "replaced_by" uuid,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_414d0b464f3d7e36ffb871030a0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_partner_api_keys_partner" ON "partner_api_keys" ("tenant_id", "partner_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_partner_api_keys_prefix" ON "partner_api_keys" ("prefix")
        `);
        await queryRunner.query(`
            CREATE TABLE "partners" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "contact_email" text,
                "status" text NOT NULL DEFAULT 'active',
                "deactivated_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_998645b20820e4ab99aeae03b41" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_partners_tenant_created" ON "partners" ("tenant_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_tenant_time" ON "outbox" ("tenant_id", "occurred_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_tenant_time"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_partners_tenant_created"
        `);
        await queryRunner.query(`
            DROP TABLE "partners"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_partner_api_keys_prefix"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_partner_api_keys_partner"
        `);
        await queryRunner.query(`
            DROP TABLE "partner_api_keys"
        `);
    }

}
