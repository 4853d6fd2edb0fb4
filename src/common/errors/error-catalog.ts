/**
 * The error-code catalog (docs/adr/0014-error-code-catalog.md): every `code` this API answers
 * with, mapped to its HTTP status, a title, a description and an example. It is one catalog made
 * of fragments: `common/errors/common-errors.ts` holds the codes of the mechanisms (validation,
 * authentication, the problem filter's own codes), and each context owns the codes of its rules in
 * its `errors.ts`, which registers them with {@link defineErrors} and adds them to the
 * {@link ErrorCodes} type. Error classes take their code as {@link ErrorCode} (or a code of one
 * status), so throwing an uncatalogued code, or a code with a status that disagrees with the
 * catalog, does not compile.
 */

/**
 * Shape of a problem body beyond the RFC 9457 members, one schema per family in openapi.json:
 * `problem` (no extension), `validation` (`errors[]` of `{ field, message }`), `quota`
 * (`metric`, `limit`, `used`), `conflict` (`field?` of a taken value, `state?` that blocks the
 * change), `unprocessable` (`field?`), `rateLimited` (`retryAfterSeconds`), `precondition`
 * (`etag`), `notReady` (`failing?`, `draining?`, `components?`), `seats` (a conflict over a seat
 * count: `requestedLicenses`, `minimumRequired`, `currentActiveUsers?`), `status` (a conflict with
 * the resource's status: `currentStatus`), `module` (a product module the tenant is not entitled
 * to: `module`, `reason`, `subscribeUrl`), `maintenance` (the platform is in maintenance:
 * `retryAfterSeconds`, `until`).
 */
export const PROBLEM_FAMILIES = ['problem', 'validation', 'quota', 'conflict', 'unprocessable', 'rateLimited', 'precondition', 'notReady', 'seats', 'status', 'module', 'maintenance'] as const;
export type ProblemFamily = (typeof PROBLEM_FAMILIES)[number];

/** Extension members a family's problem must carry (checked on every catalog example). */
export const FAMILY_REQUIRED_MEMBERS: Record<ProblemFamily, readonly string[]> = {
  problem: [],
  validation: ['errors'],
  quota: ['metric', 'limit', 'used'],
  conflict: [],
  unprocessable: [],
  rateLimited: ['retryAfterSeconds'],
  precondition: ['etag'],
  notReady: [],
  seats: ['requestedLicenses', 'minimumRequired'],
  status: ['currentStatus'],
  module: ['module', 'reason', 'subscribeUrl'],
  maintenance: ['retryAfterSeconds', 'until'],
};

/**
 * One catalog entry. `status` is the HTTP status every occurrence answers with; `title` is the
 * problem's `title` (RFC 9457 §3.1.3: the same for every occurrence of the type); `description`
 * says when it happens and what the client can do (served at `/api/v1/problems/{code}`);
 * `example` is the `detail` and extension members shown in openapi.json.
 */
export interface ErrorCatalogEntry {
  readonly status: number;
  readonly title: string;
  readonly description: string;
  /** Default `problem`. */
  readonly family?: ProblemFamily;
  /** Example `detail` (default: the description) and extension members of this family. */
  readonly example?: { readonly detail?: string; readonly [member: string]: unknown };
  /** The example for a status given only as a number (`@ApiProblems(401)`); one per status. */
  readonly defaultForStatus?: boolean;
}

/** A registered entry with its code and the context (or `common`) that owns it. */
export interface CatalogedError extends Required<Omit<ErrorCatalogEntry, 'example' | 'defaultForStatus'>> {
  readonly code: string;
  readonly owner: string;
  readonly example: { readonly detail: string; readonly [member: string]: unknown };
  readonly defaultForStatus: boolean;
}

/**
 * Every catalogued code → its entry type (with its literal status). Empty here: each fragment
 * adds its codes by module augmentation (`declare module '.../error-catalog' { interface
 * ErrorCodes extends typeof FRAGMENT {} }`), so the type is the union of all fragments.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes {}

/** A catalogued error code. */
export type ErrorCode = keyof ErrorCodes & string;

/** The catalogued codes whose status is `S` (e.g. `ErrorCodeWithStatus<409>`). */
export type ErrorCodeWithStatus<S extends number> = { [C in ErrorCode]: ErrorCodes[C] extends { readonly status: S } ? C : never }[ErrorCode];

/** The catalogued status of code `C`. */
export type StatusOfCode<C extends ErrorCode> = ErrorCodes[C] extends { readonly status: infer S } ? S : never;

const CODE_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const registry = new Map<string, CatalogedError>();

/**
 * Registers a catalog fragment of `owner` (a context name, or `common`) and returns it unchanged
 * (with literal types, for the {@link ErrorCodes} augmentation).
 * @throws Error at load time on a malformed code, a status outside 400–599, an empty title or
 * description, a code registered twice, or a second default for one status.
 */
export function defineErrors<const T extends Record<string, ErrorCatalogEntry>>(owner: string, entries: T): T {
  for (const [code, entry] of Object.entries(entries)) {
    if (!CODE_PATTERN.test(code)) throw new Error(`error code '${code}' (${owner}) is not snake_case`);
    if (!Number.isInteger(entry.status) || entry.status < 400 || entry.status > 599) throw new Error(`error code '${code}' (${owner}) has status ${entry.status}, not 400–599`);
    if (!entry.title.trim() || !entry.description.trim()) throw new Error(`error code '${code}' (${owner}) needs a title and a description`);
    const existing = registry.get(code);
    if (existing) throw new Error(`error code '${code}' is catalogued twice (${existing.owner} and ${owner})`);
    if (entry.defaultForStatus) {
      const other = [...registry.values()].find((e) => e.defaultForStatus && e.status === entry.status);
      if (other) throw new Error(`status ${entry.status} has two default codes: ${other.code} and ${code}`);
    }
    const { detail, ...members } = entry.example ?? {};
    registry.set(code, {
      code,
      owner,
      status: entry.status,
      title: entry.title,
      description: entry.description,
      family: entry.family ?? 'problem',
      example: { detail: typeof detail === 'string' ? detail : entry.description, ...members },
      defaultForStatus: entry.defaultForStatus ?? false,
    });
  }
  return entries;
}

/** The entry of `code`, or undefined when it is not catalogued. */
export function errorEntry(code: string): CatalogedError | undefined {
  return registry.get(code);
}

/** The catalogued code shown for a status given only as a number, if the catalog names one. */
export function defaultErrorFor(status: number): CatalogedError | undefined {
  return [...registry.values()].find((e) => e.defaultForStatus && e.status === status);
}

/** Every registered entry, ordered by code. */
export function errorCatalog(): CatalogedError[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * Path of the page describing a problem type, relative to the server root; the problem `type`
 * is this URI reference (RFC 9457 §3.1.1 allows a relative reference; it resolves against the
 * request URI to this server's `GET /api/v1/problems/{code}`).
 */
export const PROBLEM_TYPE_PATH = '/api/v1/problems';

/** The `type` URI reference of a code: `/api/v1/problems/{code}`. */
export function problemTypeOf(code: string): string {
  return `${PROBLEM_TYPE_PATH}/${code}`;
}
