import { ValueTransformer } from 'typeorm';

/**
 * bigint column ↔ JS number. Amounts are integer minor units (cents); a Number holds them
 * exactly up to 2^53 − 1 (≈ 90 trillion dollars), far beyond any price here.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};
