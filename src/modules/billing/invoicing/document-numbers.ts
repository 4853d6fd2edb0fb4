import type { EntityManager } from 'typeorm';

/**
 * The next number of a document kind for `year`, formatted `PREFIX-YYYY-000123` (six digits, more
 * when needed). Runs in the caller's transaction: the upsert locks the (prefix, year) row until
 * commit, so concurrent finalizations take consecutive numbers and a rolled-back one gives its
 * number back (no gaps).
 */
export async function nextDocumentNumber(tx: EntityManager, prefix: 'INV' | 'CN', year: number): Promise<string> {
  const [row]: { last_number: number }[] = await tx.query(
    `INSERT INTO document_number_sequences (prefix, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, year) DO UPDATE SET last_number = document_number_sequences.last_number + 1
     RETURNING last_number`,
    [prefix, year],
  );
  return `${prefix}-${year}-${String(row.last_number).padStart(6, '0')}`;
}
