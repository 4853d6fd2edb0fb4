import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../../../database/transformers';

/** How a module is priced: one price per subscription (`flat`) or per licensed user (`per_seat`). */
export const PRICING_MODELS = ['flat', 'per_seat'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

/**
 * A product module of the catalog (CRM, call analytics, campaigns, …) that tenants subscribe to one
 * by one, monthly or annually. `code` is a unique, immutable lowercase slug. Prices in minor units of
 * `currency`; with `per_seat` they are per licensed user. A deactivated module keeps its subscribers
 * but cannot be newly subscribed.
 */
@Entity({ name: 'product_modules' })
@Index('ux_product_modules_code', ['code'], { unique: true })
export class ProductModule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text', default: 'flat' }) pricingModel: PricingModel;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) monthlyPriceCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) annualPriceCents: number;
  /** ISO 4217 code, uppercase. */
  @Column({ type: 'char', length: 3 }) currency: string;
  /** Length of the free trial in days; 0 = no trial. */
  @Column({ type: 'int', default: 14 }) trialDays: number;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
