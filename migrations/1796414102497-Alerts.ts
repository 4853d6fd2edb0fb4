import { MigrationInterface, QueryRunner } from "typeorm";

export class Alerts1796414102497 implements MigrationInterface {
    name = 'Alerts1796414102497'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "alert_rules" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "name" text NOT NULL,
                "type" text NOT NULL,
                "threshold" integer,
                "window_minutes" integer,
                "severity" text NOT NULL DEFAULT 'warning',
                "scope" jsonb NOT NULL DEFAULT '{"kind": "all"}',
                "recipient_roles" text array NOT NULL DEFAULT '{owner,admin}',
                "is_active" boolean NOT NULL DEFAULT true,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ae580564f087ffab9d229225aec" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            -- TypeORM's record of the generated column, for the database this runs in (not the one it was generated on).
            INSERT INTO "typeorm_metadata"(
                    "database",
                    "schema",
                    "table",
                    "type",
                    "name",
                    "value"
                )
            VALUES (current_database(), $1, $2, $3, $4, $5)
        `, ["public","alerts","GENERATED_COLUMN","tenant_key","coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)"]);
        await queryRunner.query(`
            CREATE TABLE "alerts" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "rule_id" uuid NOT NULL,
                "tenant_id" uuid,
                "tenant_key" uuid GENERATED ALWAYS AS (
                    coalesce(
                        tenant_id,
                        '00000000-0000-0000-0000-000000000000'::uuid
                    )
                ) STORED NOT NULL,
                "type" text NOT NULL,
                "severity" text NOT NULL,
                "status" text NOT NULL DEFAULT 'open',
                "title" text NOT NULL,
                "detail" text NOT NULL,
                "count" integer NOT NULL DEFAULT '1',
                "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acknowledged_by" uuid,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                "acknowledge_note" text,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_alerts_status_last_seen" ON "alerts" ("status", "last_seen_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_alerts_rule_tenant_unresolved" ON "alerts" ("rule_id", "tenant_key")
            WHERE status <> 'resolved'
        `);
        await queryRunner.query(`
            ALTER TABLE "alerts"
            ADD CONSTRAINT "FK_a03c8afb3e29b85c8feccd730ef" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "alerts" DROP CONSTRAINT "FK_a03c8afb3e29b85c8feccd730ef"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_alerts_rule_tenant_unresolved"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_alerts_status_last_seen"
        `);
        await queryRunner.query(`
            DROP TABLE "alerts"
        `);
        await queryRunner.query(`
            DELETE FROM "typeorm_metadata"
            WHERE "type" = $1
                AND "name" = $2
                AND "database" = current_database()
                AND "schema" = $3
                AND "table" = $4
        `, ["GENERATED_COLUMN","tenant_key","public","alerts"]);
        await queryRunner.query(`
            DROP TABLE "alert_rules"
        `);
    }

}
