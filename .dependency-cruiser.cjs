/**
 * Import boundaries (CONVENTIONS §2), checked in `npm run lint`:
 * - a context (src/modules/<ctx>) imports another context only through its index.ts, or its
 *   public event surface events/index.ts (event classes a consumer subscribes to);
 * - that event surface imports common/ only, so importing it never pulls in the producing
 *   context's module and cannot close a cycle (tenants imports usage; usage may consume tenant events);
 * - common/, config/ and database/ never import a context;
 * - no cycles anywhere in src/.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-import-into-another-context',
      severity: 'error',
      comment: 'Use the other context’s index.ts, or its events/index.ts for event classes.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/events/index\\.ts$'] },
    },
    {
      name: 'event-surface-imports-common-only',
      severity: 'error',
      comment: 'Event classes (src/modules/<ctx>/events/) depend on common/ only, so any context can import them.',
      from: { path: '^src/modules/([^/]+)/events/' },
      to: { path: '^src/', pathNot: ['^src/common/', '^src/modules/$1/events/', '^src/modules/[^/]+/events/index\\.ts$'] },
    },
    {
      name: 'mechanisms-do-not-know-contexts',
      severity: 'error',
      from: { path: '^src/(common|config|database)/' },
      to: { path: '^src/modules/' },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
