import { MigrationInterface, QueryRunner } from "typeorm";

export class ServiceClients1796304455011 implements MigrationInterface {
    name = 'ServiceClients1796304455011'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "service_clients" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "client_id" text NOT NULL,
                "name" text NOT NULL,
                "module_code" text,
                "scopes" text array NOT NULL,
                "secret_hash" text NOT NULL,
                "secret_prefix" text NOT NULL,
                "previous_secret_hash" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "secret_rotated_at" TIMESTAMP WITH TIME ZONE,
                "status" text NOT NULL DEFAULT 'active',
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_by" uuid,
                "last_token_issued_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_816acbf53de1e1ddbbf35863271" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_service_clients_client_id" ON "service_clients" ("client_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_logs"
            ADD "actor_client_id" text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "audit_logs" DROP COLUMN "actor_client_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_service_clients_client_id"
        `);
        await queryRunner.query(`
            DROP TABLE "service_clients"
        `);
    }

}
