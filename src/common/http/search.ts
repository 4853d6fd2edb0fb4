/**
 * A case-insensitive "contains" pattern for `ILIKE`: the term with LIKE wildcards (`%`, `_`)
 * and the escape character (`\`, PostgreSQL's default) escaped, so it matches literally.
 */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, '\\$&')}%`;
}
