import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed contract as frontend teams and super admins meet it in Swagger UI (read from
 * openapi.json; no app needed): "Try it out" must open every list unfiltered, so no query
 * parameter carries an example.
 */
type Parameter = { name: string; in: string; example?: unknown; examples?: unknown; schema?: { example?: unknown; examples?: unknown } };
type Operation = { operationId?: string; parameters?: Parameter[] };
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('openapi.json as Swagger UI shows it', () => {
  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  it('gives no query parameter an example (Swagger UI would send it as a filter)', () => {
    const withExample = operations.flatMap(({ path, method, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'query' && (p.example !== undefined || p.examples !== undefined || p.schema?.example !== undefined || p.schema?.examples !== undefined))
        .map((p) => `${method.toUpperCase()} ${path} ?${p.name}`),
    );
    expect(withExample).toEqual([]);
  });
});
