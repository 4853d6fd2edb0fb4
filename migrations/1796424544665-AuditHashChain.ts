import { MigrationInterface, QueryRunner } from 'typeorm';

/** 32 zero bytes: the prevHash of a chain's first row (seq 1). */
const GENESIS = `'\\x${'00'.repeat(32)}'::bytea`;
/** The chain key of platform rows (tenant_id NULL). */
const PLATFORM_SCOPE = `'00000000-0000-0000-0000-000000000000'::uuid`;
/** Columns an authorised pseudonymisation may rewrite (docs/adr/0029); every other column is frozen. */
const PSEUDONYMISABLE = `ARRAY['actor_email', 'ip', 'user_agent', 'changes', 'metadata', 'pseudonymised_at', 'updated_at']`;

/**
 * Generated (the chain columns and audit_chain_heads), plus hand-written: the tamper-evident audit
 * trail of docs/adr/0029.
 * - `audit_chain_fields`, `audit_log_personal_v1`, `audit_log_canonical_v1`: the canonical form
 *   `audit-chain-v1` (mirrored by src/modules/audit/chain/audit-chain.canonical.ts, which the
 *   verifier uses; PL/pgSQL, since a SQL-language function of a row is re-planned per call here).
 * - `audit_logs_chain_link` (BEFORE INSERT, per row): locks the chain's head row (one row per
 *   tenant and one for the platform, so unrelated tenants never wait on each other), sets seq,
 *   prev_hash, personal_digest, hash and chain_version. The head it advanced is kept in a
 *   transaction-local setting, so further rows of the same chain in the transaction do not look
 *   the head up again, and `audit_logs_chain_flush` (AFTER INSERT, per statement) writes each
 *   advanced head once per statement: a 1,000,000-row INSERT … SELECT updates each head once,
 *   not 1,000,000 times (which would leave as many row versions for every next lookup to skip).
 * - The unique index (tenant_id, seq) NULLS NOT DISTINCT: no two rows at one position of a chain.
 * - `audit_logs_reject_change` now lets one UPDATE through: the authorised pseudonymisation
 *   (setting `audit.pseudonymise` = on in the transaction, `pseudonymised_at` set), changing
 *   only the personal columns, which the chain covers through `personal_digest`.
 * - Backfill: rows already present are chained per scope in (occurred_at, id) order.
 */
export class AuditHashChain1796424544665 implements MigrationInterface {
  name = 'AuditHashChain1796424544665';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_chain_heads" (
                "scope_key" uuid NOT NULL,
                "seq" bigint NOT NULL,
                "hash" bytea NOT NULL,
                "published_seq" bigint NOT NULL DEFAULT '0',
                "published_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d4d2017f7502641c25e3102de21" PRIMARY KEY ("scope_key")
            )
        `);
    // Heads are updated in place all day: leave room on the page for HOT updates.
    await queryRunner.query(`ALTER TABLE "audit_chain_heads" SET (fillfactor = 50)`);
    await queryRunner.query(`
            ALTER TABLE "audit_logs"
            ADD "seq" bigint,
            ADD "prev_hash" bytea,
            ADD "hash" bytea,
            ADD "personal_digest" bytea,
            ADD "chain_version" smallint,
            ADD "pseudonymised_at" TIMESTAMP WITH TIME ZONE
        `);

    await queryRunner.query(`
      CREATE FUNCTION audit_chain_fields(labels text[], vals text[]) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        out text := '';
      BEGIN
        -- One line per field: <label>=~ for NULL, else <label>=<octet length>:<value>.
        FOR i IN 1 .. array_length(labels, 1) LOOP
          out := out || labels[i] || CASE WHEN vals[i] IS NULL THEN '=~' ELSE '=' || octet_length(vals[i]) || ':' || vals[i] END || chr(10);
        END LOOP;
        RETURN out;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_personal_v1(r audit_logs) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN 'audit-personal-v1' || chr(10) || audit_chain_fields(
          ARRAY['actor_email', 'ip', 'user_agent', 'changes', 'metadata'],
          ARRAY[r.actor_email, r.ip, r.user_agent, r.changes::text, r.metadata::text]);
      END
      $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_canonical_v1(r audit_logs) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        -- Columns read by name from the row's jsonb: one that an older schema lacks reads as NULL
        -- instead of failing the insert (e.g. a test back on the schema before migration AuditChannel).
        j jsonb := to_jsonb(r);
      BEGIN
        RETURN 'audit-chain-v1' || chr(10) || audit_chain_fields(
          ARRAY['seq', 'id', 'tenant_id', 'occurred_at', 'request_id', 'channel', 'actor_type', 'actor_id', 'actor_client_id', 'impersonator_id',
                'action', 'module', 'resource_type', 'resource_id', 'method', 'path', 'status_code', 'outcome', 'error_code', 'personal_digest'],
          ARRAY[j->>'seq', j->>'id', j->>'tenant_id', to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), j->>'request_id', j->>'channel',
                j->>'actor_type', j->>'actor_id', j->>'actor_client_id', j->>'impersonator_id', j->>'action', j->>'module', j->>'resource_type', j->>'resource_id',
                j->>'method', j->>'path', j->>'status_code', j->>'outcome', j->>'error_code', encode(r.personal_digest, 'hex')]);
      END
      $$
    `);

    // Backfill: the rows already present, per scope in (occurred_at, id) order.
    await queryRunner.query(`ALTER TABLE "audit_logs" DISABLE TRIGGER "audit_logs_append_only"`);
    await queryRunner.query(`
      DO $$
      DECLARE
        r audit_logs;
        scope uuid;
        current_scope uuid;
        s bigint := 0;
        h bytea := ${GENESIS};
      BEGIN
        FOR r IN SELECT * FROM audit_logs ORDER BY coalesce(tenant_id, ${PLATFORM_SCOPE}), occurred_at, id LOOP
          scope := coalesce(r.tenant_id, ${PLATFORM_SCOPE});
          IF current_scope IS DISTINCT FROM scope THEN
            IF current_scope IS NOT NULL THEN
              INSERT INTO audit_chain_heads (scope_key, seq, hash) VALUES (current_scope, s, h);
            END IF;
            current_scope := scope;
            s := 0;
            h := ${GENESIS};
          END IF;
          s := s + 1;
          r.seq := s;
          r.prev_hash := h;
          r.chain_version := 1;
          r.personal_digest := sha256(convert_to(audit_log_personal_v1(r), 'UTF8'));
          r.hash := sha256(h || convert_to(audit_log_canonical_v1(r), 'UTF8'));
          h := r.hash;
          UPDATE audit_logs SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash, personal_digest = r.personal_digest, chain_version = 1 WHERE id = r.id;
        END LOOP;
        IF current_scope IS NOT NULL THEN
          INSERT INTO audit_chain_heads (scope_key, seq, hash) VALUES (current_scope, s, h);
        END IF;
      END
      $$
    `);
    await queryRunner.query(`ALTER TABLE "audit_logs" ENABLE TRIGGER "audit_logs_append_only"`);
    await queryRunner.query(`
            ALTER TABLE "audit_logs"
            ALTER "seq" SET NOT NULL,
            ALTER "prev_hash" SET NOT NULL,
            ALTER "hash" SET NOT NULL,
            ALTER "personal_digest" SET NOT NULL,
            ALTER "chain_version" SET NOT NULL
        `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_audit_logs_chain" ON "audit_logs" ("tenant_id", "seq") NULLS NOT DISTINCT`);

    await queryRunner.query(`
      CREATE FUNCTION audit_logs_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        scope uuid := coalesce(NEW.tenant_id, ${PLATFORM_SCOPE});
        cache text := 'audit_chain.h' || replace(scope::text, '-', '');
        -- seq:hash-hex:d|c of this chain's head as this transaction advanced it (d: not yet written back).
        cached text := nullif(current_setting(cache, true), '');
        head_seq bigint;
        head_hash bytea;
      BEGIN
        IF cached IS NULL THEN
          -- First row of this chain in the transaction: lock its head until commit (creating it on first use).
          LOOP
            SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.scope_key = scope FOR UPDATE;
            EXIT WHEN FOUND;
            INSERT INTO audit_chain_heads (scope_key, seq, hash) VALUES (scope, 0, ${GENESIS}) ON CONFLICT (scope_key) DO NOTHING;
          END LOOP;
        ELSE
          head_seq := split_part(cached, ':', 1)::bigint;
          head_hash := decode(split_part(cached, ':', 2), 'hex');
        END IF;
        NEW.chain_version := 1;
        NEW.pseudonymised_at := NULL;
        NEW.seq := head_seq + 1;
        NEW.prev_hash := head_hash;
        NEW.personal_digest := sha256(convert_to(audit_log_personal_v1(NEW), 'UTF8'));
        NEW.hash := sha256(head_hash || convert_to(audit_log_canonical_v1(NEW), 'UTF8'));
        IF cached IS NULL OR split_part(cached, ':', 3) <> 'd' THEN
          PERFORM set_config('audit_chain.dirty', coalesce(nullif(current_setting('audit_chain.dirty', true), '') || ',', '') || scope::text, true);
        END IF;
        PERFORM set_config(cache, NEW.seq || ':' || encode(NEW.hash, 'hex') || ':d', true);
        RETURN NEW;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION audit_logs_chain_flush() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        dirty text := nullif(current_setting('audit_chain.dirty', true), '');
        scope uuid;
        cache text;
        cached text;
      BEGIN
        IF dirty IS NULL THEN RETURN NULL; END IF;
        FOREACH scope IN ARRAY string_to_array(dirty, ',')::uuid[] LOOP
          cache := 'audit_chain.h' || replace(scope::text, '-', '');
          cached := current_setting(cache);
          UPDATE audit_chain_heads SET seq = split_part(cached, ':', 1)::bigint, hash = decode(split_part(cached, ':', 2), 'hex'), updated_at = now() WHERE scope_key = scope;
          PERFORM set_config(cache, split_part(cached, ':', 1) || ':' || split_part(cached, ':', 2) || ':c', true);
        END LOOP;
        PERFORM set_config('audit_chain.dirty', '', true);
        RETURN NULL;
      END
      $$
    `);
    await queryRunner.query(`CREATE TRIGGER audit_logs_chain_link BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_chain_link()`);
    await queryRunner.query(`CREATE TRIGGER audit_logs_chain_flush AFTER INSERT ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_chain_flush()`);

    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_logs_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('audit.pseudonymise', true) = 'on' AND NEW.pseudonymised_at IS NOT NULL
           AND to_jsonb(NEW) - ${PSEUDONYMISABLE} = to_jsonb(OLD) - ${PSEUDONYMISABLE} THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_logs_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
    await queryRunner.query(`DROP TRIGGER audit_logs_chain_flush ON audit_logs`);
    await queryRunner.query(`DROP TRIGGER audit_logs_chain_link ON audit_logs`);
    await queryRunner.query(`DROP FUNCTION audit_logs_chain_flush()`);
    await queryRunner.query(`DROP FUNCTION audit_logs_chain_link()`);
    await queryRunner.query(`DROP INDEX "public"."ux_audit_logs_chain"`);
    await queryRunner.query(`DROP FUNCTION audit_log_canonical_v1(audit_logs)`);
    await queryRunner.query(`DROP FUNCTION audit_log_personal_v1(audit_logs)`);
    await queryRunner.query(`DROP FUNCTION audit_chain_fields(text[], text[])`);
    await queryRunner.query(`
            ALTER TABLE "audit_logs"
            DROP COLUMN "pseudonymised_at",
            DROP COLUMN "chain_version",
            DROP COLUMN "personal_digest",
            DROP COLUMN "hash",
            DROP COLUMN "prev_hash",
            DROP COLUMN "seq"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_chain_heads"
        `);
  }
}
