import { Injectable } from '@nestjs/common';
import type { BilledTo } from '../entities/invoice.entity';

/** What a tax calculator is asked: the invoice's lines (minor units) and who is billed. */
export interface TaxQuery {
  tenantId: string;
  currency: string;
  billedTo: BilledTo;
  subtotalCents: number;
  discountCents: number;
}

/** Its answer: the tax in minor units of the invoice's currency, and a note printed on the invoice. */
export interface TaxResult {
  taxCents: number;
  note: string;
}

/**
 * Port: computes the tax of an invoice when it is created (a tax engine such as Stripe Tax or Avalara
 * plugs in here). The amount and its note are written on the invoice and its PDF.
 */
export abstract class TaxCalculator {
  abstract calculate(query: TaxQuery): Promise<TaxResult>;
}

/**
 * The adapter in use until a tax engine is chosen: no tax, said on the invoice in so many words
 * (prices are tax-exclusive), never a made-up rate.
 */
@Injectable()
export class NoTaxCalculator extends TaxCalculator {
  static readonly NOTE = 'No tax calculated: no tax engine is configured (prices exclude tax).';

  calculate(): Promise<TaxResult> {
    return Promise.resolve({ taxCents: 0, note: NoTaxCalculator.NOTE });
  }
}
