import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../../../database/transformers';
import type { CouponDuration } from './discount';

/** What a coupon applies to: codes of plans and modules; both empty = every plan and module. */
export interface CouponAppliesTo {
  planCodes: string[];
  moduleCodes: string[];
}

/**
 * A discount code of the platform's catalog (Stripe's coupon; platform-owned, not a tenant's).
 * `code` is stored upper-case and unique, so codes compare case-insensitively. Exactly one of
 * `percentOff` (numeric(5,2), 0 < p ≤ 100, read as a string to stay exact) or `amountOffCents` with
 * its ISO 4217 `currency`. `duration` once | repeating (`durationInMonths`) | forever. The price
 * terms never change once created; `timesRedeemed` is counted by one conditional UPDATE per
 * redemption (never above `maxRedemptions`).
 */
@Entity({ name: 'coupons' })
@Index('ux_coupons_code', ['code'], { unique: true })
@Index('ix_coupons_active_created', ['isActive', 'createdAt'])
@Check('ck_coupons_code_upper', `code = upper(code)`)
@Check('ck_coupons_terms', `(percent_off IS NULL) <> (amount_off_cents IS NULL) AND (amount_off_cents IS NULL) = (currency IS NULL)`)
@Check('ck_coupons_percent', `percent_off IS NULL OR (percent_off > 0 AND percent_off <= 100)`)
@Check('ck_coupons_amount', `amount_off_cents IS NULL OR amount_off_cents > 0`)
@Check('ck_coupons_duration', `duration IN ('once', 'repeating', 'forever') AND (duration = 'repeating') = (duration_in_months IS NOT NULL)`)
@Check('ck_coupons_redemptions', `times_redeemed >= 0 AND (max_redemptions IS NULL OR times_redeemed <= max_redemptions)`)
export class Coupon {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true }) percentOff: string | null;
  @Column({ type: 'bigint', transformer: bigintNumber, nullable: true }) amountOffCents: number | null;
  @Column({ type: 'char', length: 3, nullable: true }) currency: string | null;
  @Column({ type: 'text' }) duration: CouponDuration;
  @Column({ type: 'int', nullable: true }) durationInMonths: number | null;
  @Column({ type: 'int', nullable: true }) maxRedemptions: number | null;
  @Column({ type: 'int', default: 0 }) timesRedeemed: number;
  @Column({ type: 'timestamptz', nullable: true }) redeemBy: Date | null;
  @Column({ type: 'jsonb', default: () => `'{"planCodes": [], "moduleCodes": []}'` }) appliesTo: CouponAppliesTo;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
