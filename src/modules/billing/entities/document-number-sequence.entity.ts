import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last number given per document kind and year (`INV` 2026 → 123 gives `INV-2026-000123`).
 * Incremented by an upsert in the finalizing transaction: the row lock serialises concurrent
 * finalizations and a rollback takes the number back, so numbers have no gaps.
 */
@Entity({ name: 'document_number_sequences' })
export class DocumentNumberSequence {
  @PrimaryColumn({ type: 'text' }) prefix: string;
  @PrimaryColumn({ type: 'int' }) year: number;
  @Column({ type: 'int' }) lastNumber: number;
}
