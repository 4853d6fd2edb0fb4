/**
 * Event-type subscriptions of an endpoint: exact catalog types (`user.created`), a family wildcard
 * (`user.*`: every type starting `user.`) or `*` (everything its audience may receive).
 */
const PATTERN = /^(\*|[a-z][a-z_]*\.\*|[a-z][a-z_]*\.[a-z][a-z_.]*)$/;

/** Whether `pattern` has the shape of a subscription (exact type, `family.*` or `*`). */
export function isEventTypePattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

/** Whether an endpoint subscribed to `patterns` receives events of `type`. */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}
