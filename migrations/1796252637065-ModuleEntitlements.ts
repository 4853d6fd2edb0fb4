import { MigrationInterface, QueryRunner } from "typeorm";

/** Module entitlements: the free trials a tenant has used (one per module) and the modules it switched off. */
export class ModuleEntitlements1796252637065 implements MigrationInterface {
    name = 'ModuleEntitlements1796252637065'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "module_deactivations" (
                "tenant_id" uuid NOT NULL,
                "module_id" uuid NOT NULL,
                "deactivated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_287158d9aad731847485d60b1aa" PRIMARY KEY ("tenant_id", "module_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "module_trials" (
                "tenant_id" uuid NOT NULL,
                "module_id" uuid NOT NULL,
                "subscription_id" uuid NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3385840b4cc4f7c3cbf483cdc75" PRIMARY KEY ("tenant_id", "module_id")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "module_trials"
        `);
        await queryRunner.query(`
            DROP TABLE "module_deactivations"
        `);
    }

}
