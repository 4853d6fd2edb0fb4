import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorCatalog, errorEntry } from './error-catalog';
import './common-errors';

/**
 * Source scan behind the compiler's check (docs/adr/0014-error-code-catalog.md): error classes
 * type their code as a catalogued code, and this scan covers what types cannot see — a cast, a
 * string built at run time, a `code:` literal handed to an error later. Every code written in
 * an error construction, a `super(...)` of an error class, a `code: '…'` literal or the problem
 * filter's `base('…')` must be catalogued, with the status the error class answers; every
 * catalogued code must be answered somewhere.
 */

const SRC = join(__dirname, '..', '..');
const MODULES = join(SRC, 'modules');
for (const ctx of readdirSync(MODULES)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- every fragment found on disk, so a new context's cannot be left out
  if (readdirSync(join(MODULES, ctx)).includes('errors.ts')) require(join(MODULES, ctx, 'errors.ts'));
}

/** Where an error class takes its code and which status it answers (null: the next argument). */
const CLASS_SHAPES: Record<string, { codeArg: number | null; status: number | null; fixedCode?: string; resourceArg?: number }> = {
  AppError: { codeArg: 0, status: null },
  ValidationError: { codeArg: null, status: 400, fixedCode: 'validation_failed' },
  RequestShapeError: { codeArg: 0, status: 400 },
  UnauthorizedError: { codeArg: 1, status: 401, fixedCode: 'unauthorized' },
  ForbiddenError: { codeArg: 1, status: 403, fixedCode: 'forbidden' },
  NotFoundError: { codeArg: null, status: 404, resourceArg: 0 },
  ConflictError: { codeArg: 0, status: 409 },
  UnprocessableError: { codeArg: 0, status: 422 },
  TooManyRequestsError: { codeArg: null, status: 429, fixedCode: 'rate_limited' },
};

/** `code: '…'` literals that are not error codes, with the reason. */
const NOT_ERROR_CODES: Record<string, string> = {
  nul_character: 'a body-shape violation kind (body-shape-limits.ts) that is answered as validation_failed',
};

export interface CodeUse {
  file: string;
  line: number;
  code: string;
  /** The status the construction answers, when the scan can tell. */
  status: number | null;
  via: string;
}

/** Arguments of the call whose `(` is at `open`, split at top-level commas (strings and nesting respected). */
export function callArguments(source: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = open; i < source.length; i += 1) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      current += source.slice(i, j + 1);
      i = j;
      continue;
    }
    if ('([{'.includes(c)) {
      depth += 1;
      if (depth === 1 && c === '(') continue;
    } else if (')]}'.includes(c)) {
      depth -= 1;
      if (depth === 0) {
        if (current.trim()) args.push(current.trim());
        return { args, end: i };
      }
    } else if (c === ',' && depth === 1) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  return { args, end: source.length };
}

/** The string literal an argument is, cast or not (`'x'`, `'x' as never`). */
const literal = (arg: string | undefined): string | null => (arg ? (/^'([^']*)'(\s+as\s+.+)?$/.exec(arg)?.[1] ?? null) : null);
const lineOf = (source: string, index: number): number => source.slice(0, index).split('\n').length;

/** Error classes declared in `sources` (transitively extending one of CLASS_SHAPES), mapped to their base. */
export function errorSubclasses(sources: Record<string, string>): Map<string, string> {
  const parents = new Map<string, string>();
  for (const source of Object.values(sources)) for (const m of source.matchAll(/class (\w+)(?:<[^>]*>)? extends (\w+)/g)) parents.set(m[1], m[2]);
  const out = new Map<string, string>();
  for (const name of parents.keys()) {
    let base: string | undefined = name;
    for (let hops = 0; base && !CLASS_SHAPES[base] && hops < 10; hops += 1) base = parents.get(base);
    if (base && CLASS_SHAPES[base] && !CLASS_SHAPES[name]) out.set(name, base);
  }
  return out;
}

/** Every error code written in `sources` (file → text): constructions, error super() calls, `code:` literals, `base('…')`. */
export function scanErrorCodes(sources: Record<string, string>): { uses: CodeUse[]; unresolved: string[] } {
  const subclasses = errorSubclasses(sources);
  const uses: CodeUse[] = [];
  const unresolved: string[] = [];
  const record = (file: string, source: string, index: number, shapeName: string, args: string[], via: string) => {
    const shape = CLASS_SHAPES[shapeName];
    const status = shape.status ?? (args[1] && /^\d{3}$/.test(args[1]) ? Number(args[1]) : null);
    let code: string | null = null;
    if (shape.resourceArg !== undefined) {
      const resource = literal(args[shape.resourceArg]);
      code = resource === null ? null : `${resource.replace(/\s+/g, '_').toLowerCase()}_not_found`;
    } else if (shape.codeArg !== null && args[shape.codeArg] !== undefined) {
      code = literal(args[shape.codeArg]);
    } else {
      code = shape.fixedCode ?? null;
    }
    if (code) uses.push({ file, line: lineOf(source, index), code, status, via });
    // A code that is a variable is typed by the compiler (ErrorCodeWithStatus<…>); note it.
    else unresolved.push(`${file}:${lineOf(source, index)} ${via}`);
  };
  for (const [file, source] of Object.entries(sources)) {
    for (const m of source.matchAll(/new (\w+)\(/g)) {
      const name = m[1];
      const shapeName = CLASS_SHAPES[name] ? name : subclasses.has(name) ? null : undefined;
      if (shapeName === undefined || shapeName === null) continue; // subclasses fix their code in super()
      record(file, source, m.index, shapeName, callArguments(source, m.index + m[0].length - 1).args, `new ${name}`);
    }
    for (const m of source.matchAll(/class (\w+)(?:<[^>]*>)? extends (\w+)(?:<[^>]*>)? \{/g)) {
      if (!subclasses.has(m[1]) && !CLASS_SHAPES[m[2]]) continue;
      const body = source.slice(m.index, source.indexOf('\n}', m.index));
      const sup = /super\(/.exec(body);
      if (!sup) continue;
      const args = callArguments(body, sup.index + 'super'.length).args;
      record(file, source, m.index + sup.index, m[2], args, `super of ${m[1]}`);
    }
    for (const m of source.matchAll(/\bcode: '([a-z][a-z0-9_]*)'/g)) {
      if (!NOT_ERROR_CODES[m[1]]) uses.push({ file, line: lineOf(source, m.index), code: m[1], status: null, via: 'code: literal' });
    }
    for (const m of source.matchAll(/\bbase\('([a-z][a-z0-9_]*)'/g)) uses.push({ file, line: lineOf(source, m.index), code: m[1], status: null, via: "base('…')" });
  }
  return { uses, unresolved };
}

/** Non-spec TypeScript files of src/common and src/modules (config's `code:` literals are zod's). */
function sourceFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out[relative(SRC, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(join(SRC, 'common'));
  walk(MODULES);
  return out;
}

describe('error codes in the source', () => {
  const sources = sourceFiles();
  const { uses } = scanErrorCodes(sources);

  it('finds the throw sites (the scan itself works on this tree)', () => {
    expect(uses.length).toBeGreaterThan(60);
    expect(uses).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'tenant_slug_taken', status: 409, via: 'new ConflictError' }),
      expect.objectContaining({ code: 'tenant_not_found', status: 404, via: 'new NotFoundError' }),
      expect.objectContaining({ code: 'quota_exceeded', status: 402, via: 'super of QuotaExceededError' }),
      expect.objectContaining({ code: 'invalid_credentials', status: 401 }),
      expect.objectContaining({ code: 'malformed_json', via: "base('…')" }),
    ]));
  });

  it('every code thrown is catalogued, with the status its error class answers', () => {
    const problems = uses.flatMap((u) => {
      const entry = errorEntry(u.code);
      if (!entry) return [`${u.file}:${u.line} ${u.via} uses '${u.code}', which is not in the error catalog`];
      if (u.status !== null && u.status !== entry.status) return [`${u.file}:${u.line} ${u.via} answers '${u.code}' with ${u.status}; the catalog says ${entry.status}`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('every catalogued code is answered somewhere (no dead entries)', () => {
    const used = new Set(uses.map((u) => u.code));
    // Codes chosen by value: the filter's status table and the auth guard's reasons.
    for (const source of Object.values(sources)) {
      const stripped = source.replace(/(ApiOp|ApiProblems)\([\s\S]*?\)\n/g, '');
      for (const m of stripped.matchAll(/'([a-z][a-z0-9_]*)'/g)) if (errorEntry(m[1])) used.add(m[1]);
    }
    const dead = errorCatalog().filter((e) => !used.has(e.code) && !Object.keys(sources).some((f) => f.endsWith('errors.ts') && sources[f].includes(`'${e.code}'`)));
    expect(dead.map((e) => `${e.code} (${e.owner})`)).toEqual([]);
  });

  describe('the scanner', () => {
    it('fails on an uncatalogued or mis-statused code (fixture)', () => {
      const fixture = {
        'x.service.ts': [
          "throw new ConflictError('seat_taken' as never, 'x');",
          "throw new NotFoundError('Gadget', id);",
          "throw new AppError('tenant_slug_taken', 400, 'x');",
          "throw new UnauthorizedError('Bad.', code);",
          "class GadgetError extends AppError {\n  constructor() {\n    super('gadget_broken', 500, 'x');\n  }\n}",
          "const v = { code: 'made_up_code', field };",
        ].join('\n'),
      };
      const { uses: found, unresolved } = scanErrorCodes(fixture);
      expect(found.map((u) => [u.code, u.status])).toEqual([
        ['seat_taken', 409],
        ['gadget_not_found', 404],
        ['tenant_slug_taken', 400],
        ['gadget_broken', 500],
        ['made_up_code', null],
      ]);
      expect(unresolved).toEqual(['x.service.ts:4 new UnauthorizedError']);
      const bad = found.filter((u) => !errorEntry(u.code) || (u.status !== null && u.status !== errorEntry(u.code)!.status));
      expect(bad).toHaveLength(5);
    });

    it('reads arguments with nested calls, objects and strings containing commas', () => {
      const source = "f('a, b', { x: [1, 2] }, g(h(3), 4), `t,${u}`)";
      expect(callArguments(source, 1).args).toEqual(["'a, b'", '{ x: [1, 2] }', 'g(h(3), 4)', '`t,${u}`']);
    });
  });
});
