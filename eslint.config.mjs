// ESLint flat config: typescript-eslint recommended. Import boundaries and cycles: .dependency-cruiser.cjs.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/support/openapi.d.ts', 'eslint.config.mjs', 'jest.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='forwardRef']", message: 'No forwardRef: react to an event or move the shared piece to common/ (CONVENTIONS §2).' }],
    },
  },
  {
    // Inside a request's transaction, work done through the DataSource runs on a second pooled
    // connection; waiting there on a row lock the transaction holds hangs both forever (PostgreSQL
    // cannot see a deadlock that spans two connections). Services use TransactionHost.tx, which is
    // the transaction when one runs and the pool otherwise; side effects that must survive a
    // rollback go through UnitOfWork.afterTransaction.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'typeorm', importNames: ['DataSource'], message: 'Use TransactionHost.tx (and UnitOfWork.afterTransaction for effects that must survive a rollback); see docs/adr/0007.' }] }],
    },
  },
  {
    // Allowed: the data-source plumbing, and code that by construction never runs inside a
    // transaction — the outbox relay and dispatcher (after commit, Bull jobs), the idempotency
    // sweep (a Bull job) and the audit row of a failed request (written after its rollback).
    files: [
      'src/database/**/*.ts',
      'src/common/events/outbox-relay.ts',
      'src/common/events/outbox-dispatcher.ts',
      'src/common/http/idempotency-cleanup.processor.ts',
      'src/modules/audit/audit.service.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);
