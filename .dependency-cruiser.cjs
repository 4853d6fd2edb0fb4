/**
 * Import boundaries (CONVENTIONS §2), checked in `npm run lint`:
 * - a context (src/modules/<ctx>) imports another context only through its index.ts;
 * - common/, config/ and database/ never import a context;
 * - no cycles anywhere in src/.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-import-into-another-context',
      severity: 'error',
      comment: 'Use the other context’s index.ts.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
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
