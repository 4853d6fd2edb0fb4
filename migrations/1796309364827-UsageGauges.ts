import { MigrationInterface, QueryRunner } from "typeorm";

export class UsageGauges1796309364827 implements MigrationInterface {
    name = 'UsageGauges1796309364827'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "usage_gauges" (
                "tenant_id" uuid NOT NULL,
                "metric" text NOT NULL,
                "value" bigint NOT NULL,
                "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "client_id" uuid NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c750be8bebec9f2fb74b8090b43" PRIMARY KEY ("tenant_id", "metric")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "usage_gauges"
        `);
    }

}
