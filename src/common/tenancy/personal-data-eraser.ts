import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { createHmac } from 'node:crypto';
import type { ErasedRows } from './tenant-data-eraser';

/**
 * A person known to a context under the subject of a compliance request: a tenant user (`id`), or
 * a contact address without an account (`id` null: the tenant's contact or billing email).
 * `pseudonym` is what replaces the email wherever a row must stay (invoices, audit rows); the same
 * person gets the same pseudonym in every table, so kept rows stay linkable to one another but not
 * to the person (GDPR Art. 4(5) pseudonymisation).
 */
export interface PersonalDataPrincipal {
  id: string | null;
  /** Lowercase. */
  email: string;
  /** Names the person is recorded under (a user's full name), scrubbed from free text too. */
  names: string[];
  pseudonym: string;
}

/**
 * Whose personal data a compliance request is about: a whole tenant (its users, contacts and
 * everything they did) or one person within a tenant, by email. `principals` is resolved once,
 * before the first eraser runs, and kept by the caller so that a retried erasure finds the same
 * people even after their rows were pseudonymised.
 */
export interface PersonalDataSubject {
  kind: 'tenant' | 'person';
  tenantId: string;
  /** Lowercase; the person's email (kind person), null for a tenant. */
  email: string | null;
  principals: PersonalDataPrincipal[];
}

/**
 * One section of a GDPR archive: a SELECT whose single column `row` is a jsonb object per row,
 * in a stable order, holding no secret (no password or key hash, no webhook secret).
 */
export interface PersonalDataSection {
  /** `<context>.<table>`, e.g. `iam.tenant_users`. */
  name: string;
  sql: string;
  params: unknown[];
}

/**
 * Port through which a context exports and erases the personal data ITS OWN tables hold about a
 * {@link PersonalDataSubject} (GDPR Art. 15 and 20: access and portability; Art. 17: erasure),
 * discovered like the tenant data erasers (docs/compliance.md). `erase` runs in the caller's
 * transaction (one per context), returns the rows it changed per table (zeros included), keeps
 * what the law requires (pseudonymising its personal fields instead), and is idempotent: a retry
 * after a crash finds nothing left to change and does not fail. It must not touch another
 * context's tables.
 */
export interface PersonalDataEraser {
  /** The people this context knows under the subject (only the identity context has accounts). */
  identify?(subject: Omit<PersonalDataSubject, 'principals'>): Promise<Omit<PersonalDataPrincipal, 'pseudonym'>[]>;
  /** The archive sections of the subject's data held here. */
  sections(subject: PersonalDataSubject): PersonalDataSection[];
  /** Erases or pseudonymises the subject's personal data held here. */
  erase(subject: PersonalDataSubject): Promise<ErasedRows>;
}

/** What `@ErasesPersonalData` records on a class: the bounded context that owns the tables. */
export interface PersonalDataEraserMeta {
  context: string;
}

/** Discoverable marker (Nest `DiscoveryService`), read by the PersonalDataErasers registry. */
export const personalDataEraserMarker = DiscoveryService.createDecorator<PersonalDataEraserMeta>();

/**
 * Declares a class as the personal data eraser of `context` (e.g. `@ErasesPersonalData('iam')`):
 * injectable and discoverable, so compliance requests reach every context's personal data without
 * naming any. List it in its context module's providers.
 */
export function ErasesPersonalData(context: string) {
  return <T extends abstract new (...args: never[]) => PersonalDataEraser>(target: T): void => {
    Injectable()(target);
    personalDataEraserMarker({ context })(target);
  };
}

/** Suffix of every pseudonymous email: `.invalid` never resolves (RFC 2606 §2), so nothing is ever sent to it. */
export const PSEUDONYM_DOMAIN = 'invalid';
/** Name that replaces a person's name where a row stays. */
export const ERASED_NAME = 'Erased person';

/**
 * `erased-<16 hex>@invalid`: a keyed hash (HMAC-SHA256) of the tenant and the lowercase email, so
 * the same person gets the same pseudonym everywhere and it cannot be reversed by hashing guessed
 * addresses without the key.
 */
export function pseudonymousEmail(key: Buffer, tenantId: string, email: string): string {
  const hash = createHmac('sha256', key).update(`${tenantId}:${email.trim().toLowerCase()}`).digest('hex').slice(0, 16);
  return `erased-${hash}@${PSEUDONYM_DOMAIN}`;
}

/** Whether `email` is a pseudonym made by {@link pseudonymousEmail}. */
export function isPseudonymousEmail(email: string | null | undefined): boolean {
  return !!email && /^erased-[0-9a-f]{16}@invalid$/.test(email);
}

/** A section reading `table` (alias `t`) where `where` holds, as jsonb rows without the `omit` columns, in `order`. */
export function personalDataSection(name: string, table: string, where: string, params: unknown[], opts: { omit?: string[]; order?: string } = {}): PersonalDataSection {
  const omit = (opts.omit ?? []).map((c) => ` - '${c}'`).join('');
  return { name, sql: `SELECT to_jsonb(t)${omit} AS row FROM ${table} t WHERE ${where} ORDER BY ${opts.order ?? 't.created_at, t.id'}`, params };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * SQL that replaces, in the text expression `expr`, every principal's email (case-insensitive) by
 * its pseudonym and every name of three or more characters by {@link ERASED_NAME}. `json`: `expr`
 * is jsonb rendered as text, so the searched values are JSON-escaped. Pushes its parameters onto
 * `params` and returns the expression; `expr` itself when there is nothing to replace.
 */
export function scrubTextSql(expr: string, principals: readonly PersonalDataPrincipal[], params: unknown[], json = false): string {
  const enc = (s: string) => (json ? JSON.stringify(s).slice(1, -1) : s);
  let out = expr;
  for (const p of principals) {
    params.push(escapeRegex(enc(p.email)), p.pseudonym);
    out = `regexp_replace(${out}, $${params.length - 1}, $${params.length}, 'gi')`;
    for (const name of p.names.filter((n) => n.trim().length >= 3)) {
      params.push(escapeRegex(enc(name)), ERASED_NAME);
      out = `regexp_replace(${out}, $${params.length - 1}, $${params.length}, 'g')`;
    }
  }
  return out;
}

/** The session setting under which the database lets a GDPR erasure pseudonymise a finalized invoice's billed_to (migration ComplianceRequests; audit rows have their own, docs/adr/0029). */
export const PSEUDONYMISATION_SETTING = 'app.gdpr_pseudonymisation';

/** SQL that turns the pseudonymisation allowance on for the rest of the current transaction only. */
export const ALLOW_PSEUDONYMISATION_SQL = `SELECT set_config('${PSEUDONYMISATION_SETTING}', 'on', true)`;
