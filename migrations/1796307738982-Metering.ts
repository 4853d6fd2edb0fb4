import { MigrationInterface, QueryRunner } from "typeorm";

export class Metering1796307738982 implements MigrationInterface {
    name = 'Metering1796307738982'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "quota_reservations" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "idempotency_key" text NOT NULL,
                "request_hash" text NOT NULL,
                "metric" text NOT NULL,
                "amount" integer NOT NULL,
                "resource_type" text,
                "resource_id" text,
                "limit_at_decision" integer,
                "used_after" bigint NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f9bef4d0fdbb6da6b52df5cb7e8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_quota_reservations_key" ON "quota_reservations" (
                "tenant_id",
                "client_id",
                "kind",
                "idempotency_key"
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "usage_event_keys" (
                "tenant_id" uuid NOT NULL,
                "event_id" text NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f41d220a4760f4ea0fe62084e35" PRIMARY KEY ("tenant_id", "event_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "usage_threshold_states" (
                "tenant_id" uuid NOT NULL,
                "metric" text NOT NULL,
                "period_start" date NOT NULL,
                "threshold" integer NOT NULL,
                "reached_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0878f0f5455050884671b0cce78" PRIMARY KEY (
                    "tenant_id",
                    "metric",
                    "period_start",
                    "threshold"
                )
            )
        `);
        // Usage events, partitioned by month of occurred_at (declarative partitioning; no TypeORM
        // entity, which cannot describe partitions): 2026-01 … 2028-12, and a default partition so
        // an event outside them is still stored. Dedupe is by usage_event_keys (a unique index on a
        // partitioned table must contain the partition key).
        await queryRunner.query(`
            CREATE TABLE "usage_events" (
                "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
                "tenant_id" uuid NOT NULL,
                "event_id" text NOT NULL,
                "metric" text NOT NULL,
                "amount" bigint NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "properties" jsonb NOT NULL DEFAULT '{}',
                PRIMARY KEY ("occurred_at", "id")
            ) PARTITION BY RANGE ("occurred_at")
        `);
        await queryRunner.query(`CREATE INDEX "ix_usage_events_tenant_metric_time" ON "usage_events" ("tenant_id", "metric", "occurred_at")`);
        for (let year = 2026; year <= 2028; year += 1) {
            for (let month = 1; month <= 12; month += 1) {
                const from = `${year}-${String(month).padStart(2, '0')}-01`;
                const to = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
                await queryRunner.query(`CREATE TABLE "usage_events_${year}_${String(month).padStart(2, '0')}" PARTITION OF "usage_events" FOR VALUES FROM ('${from}') TO ('${to}')`);
            }
        }
        await queryRunner.query(`CREATE TABLE "usage_events_default" PARTITION OF "usage_events" DEFAULT`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "usage_events"`);
        await queryRunner.query(`
            DROP TABLE "usage_threshold_states"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_event_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_quota_reservations_key"
        `);
        await queryRunner.query(`
            DROP TABLE "quota_reservations"
        `);
    }

}
