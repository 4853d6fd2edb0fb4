/**
 * Canonical JSON of a backup archive, in the manner of RFC 8785 (JSON Canonicalization Scheme):
 * object members sorted by key (UTF-16 code units, JavaScript's default sort), no insignificant
 * whitespace, strings and numbers as `JSON.stringify` writes them (which is what JCS prescribes
 * for the values an archive holds: strings, finite numbers, booleans, null). `undefined` members
 * are left out, as `JSON.stringify` does. Any JSON document has exactly one canonical form, so an
 * archive re-formatted by an editor still verifies, and one changed byte of a value does not.
 * @throws Error on a non-finite number (not JSON)
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON has no non-finite numbers');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const obj = value as Record<string, unknown>;
      const members = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON cannot hold a ${typeof value}`);
  }
}
