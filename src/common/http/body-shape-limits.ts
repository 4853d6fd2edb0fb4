/**
 * Shape limits of request input (docs/adr/0011-request-shape-limits.md). Parsed JSON may be nested
 * or wide enough to overflow the stack of every recursive consumer (class-transformer,
 * class-validator, JSON.stringify, the audit trail), so input is measured by an iterative walk
 * before anything recursive touches it.
 * - `maxDepth`: containers (objects, arrays) may nest 32 levels; the body itself is level 1.
 *   The API's DTOs nest a few levels; System.Text.Json's default limit is 64, for comparison.
 * - `maxArrayLength`: 1,000 items per array — the largest batch a route accepts (bulk routes take
 *   up to 1,000 ids), and the most keys Node's query-string parser produces for a repeated name.
 */
export const REQUEST_SHAPE_LIMITS = { maxDepth: 32, maxArrayLength: 1000 } as const;

/** The shape limits a walk enforces (see {@link REQUEST_SHAPE_LIMITS}). */
export interface ShapeLimits {
  maxDepth: number;
  maxArrayLength: number;
}

/** What is wrong with a request value, and where (`field` is a dotted path, `items.3.name`). */
export interface ShapeViolation {
  code: 'request_too_deep' | 'array_too_long' | 'nul_character';
  field: string;
  message: string;
}

/** Longest field path echoed in an error; the rest is elided (keys are attacker-chosen). */
const MAX_FIELD_LENGTH = 200;

/** Dotted path of `key` below `parent` ('' is the root). */
export function childPath(parent: string, key: string | number): string {
  return parent ? `${parent}.${key}` : String(key);
}

/** A value met by the walk; its path is rebuilt from the parent links only when it is reported. */
interface Visit {
  value: unknown;
  key: string | null;
  parent: Visit | null;
  depth: number;
  nulKey: boolean;
}

function fieldOf(visit: Visit, path: string, root: string): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v && v.key !== null; v = v.parent) keys.push(v.key);
  const field = keys.reverse().reduce(childPath, path) || root;
  return field.length > MAX_FIELD_LENGTH ? `${field.slice(0, MAX_FIELD_LENGTH)}…` : field;
}

/**
 * Finds the first violation (in document order) of the shape rules in `value`: a container
 * deeper than `maxDepth`, an array longer than `maxArrayLength`, or U+0000 in a string or key
 * (PostgreSQL text and jsonb cannot hold it). The walk is iterative (an explicit stack): a body
 * nested 500,000 levels is measured without recursion, and the walk stops at the first container
 * past the limit. Paths start at `path` (a named argument, `tenantId`); `root` names the value
 * itself when the path is empty (`body`, `query`). Returns null when the value is fine.
 */
export function findShapeViolation(
  value: unknown,
  { path = '', root = 'body', limits = REQUEST_SHAPE_LIMITS }: { path?: string; root?: string; limits?: ShapeLimits } = {},
): ShapeViolation | null {
  const stack: Visit[] = [{ value, key: null, parent: null, depth: 0, nulKey: false }];
  while (stack.length) {
    const visit = stack.pop()!;
    const node = visit.value;
    if (visit.nulKey || (typeof node === 'string' && node.includes('\u0000'))) {
      const field = fieldOf(visit, path, root);
      return { code: 'nul_character', field, message: `${field} must not contain NUL (U+0000) characters` };
    }
    if (node === null || typeof node !== 'object') continue;
    const depth = visit.depth + 1;
    if (depth > limits.maxDepth) {
      const field = fieldOf(visit, path, root);
      return { code: 'request_too_deep', field, message: `${field} is nested deeper than ${limits.maxDepth} levels` };
    }
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) {
        const field = fieldOf(visit, path, root);
        return { code: 'array_too_long', field, message: `${field} has ${node.length} items; at most ${limits.maxArrayLength} are allowed` };
      }
      // Children are pushed in reverse so they are visited in document order.
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push({ value: node[i], key: String(i), parent: visit, depth, nulKey: false });
      continue;
    }
    const keys = Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      stack.push({ value: (node as Record<string, unknown>)[key], key, parent: visit, depth, nulKey: key.includes('\u0000') });
    }
  }
  return null;
}
