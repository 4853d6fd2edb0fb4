import { MigrationInterface, QueryRunner } from "typeorm";

export class EventDeliveries1796223753911 implements MigrationInterface {
    name = 'EventDeliveries1796223753911'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // One row per event and consumer that failed and is still owed the event; it goes
        // with its outbox row (ON DELETE CASCADE) when the daily prune removes that.
        await queryRunner.query(`
            CREATE TABLE "event_deliveries" (
                "event_id" uuid NOT NULL,
                "consumer" text NOT NULL,
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_57f8ad5bb1f61b40083a031665d" PRIMARY KEY ("event_id", "consumer")
            )
        `);
        // The relay reads which consumers already processed the events it claims.
        await queryRunner.query(`
            CREATE INDEX "ix_processed_events_event_id" ON "processed_events" ("event_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "event_deliveries"
            ADD CONSTRAINT "FK_1f3b9428cd104607cc88049c197" FOREIGN KEY ("event_id") REFERENCES "outbox"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "event_deliveries" DROP CONSTRAINT "FK_1f3b9428cd104607cc88049c197"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_processed_events_event_id"
        `);
        await queryRunner.query(`
            DROP TABLE "event_deliveries"
        `);
    }

}
