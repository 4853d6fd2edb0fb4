import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsCurrencyCode, IsIsoDateTimeInRange } from '../../../common/http';
import { PaymentDto } from '../dto/payment.dto';
import { INVOICE_STATUSES } from '../entities/invoice.entity';
import { MRR_MOVEMENT_KINDS, RATIO_PLACES } from './metrics';

const RATIO = `a fraction of 1 as a decimal string with ${RATIO_PLACES} fractional digits, rounded half-even ("0.2000" = 20 %); null when its denominator is 0`;

/** Query of GET /admin/billing/metrics. */
export class RevenueMetricsQueryDto {
  @IsIsoDateTimeInRange({ optional: true, description: 'Start of the range (inclusive). Default: the first day (UTC) of the month 11 months before `to`\'s month (12 month buckets).' })
  from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'End of the range (exclusive); MRR, ARR, ARPA and LTV are at this instant. Default: now.' })
  to?: Date;
  @ApiPropertyOptional({ enum: ['month'], default: 'month', description: 'Bucket size: calendar months, UTC' })
  @IsOptional()
  @IsIn(['month'])
  interval?: 'month';
  @ApiPropertyOptional({ example: 'USD', description: 'Only this currency (ISO 4217); default: every currency, each on its own (no FX)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsCurrencyCode()
  currency?: string;
}

/** One month bucket of one currency. Money in minor units; movement amounts are signed (contraction and churn ≤ 0). */
export class RevenueMonthDto {
  @ApiProperty({ example: '2027-03', description: 'Calendar month, UTC' }) month: string;
  @ApiProperty({ format: 'date-time', description: 'Bucket start (the month’s first instant, or `from`)' }) start: string;
  @ApiProperty({ format: 'date-time', description: 'Bucket end, exclusive (the next month’s first instant, or `to`)' }) end: string;
  @ApiProperty({ type: 'integer', example: 2500000 }) mrrStartCents: number;
  @ApiProperty({ type: 'integer', example: 2610000 }) mrrEndCents: number;
  @ApiProperty({ type: 'integer', example: 120000 }) newCents: number;
  @ApiProperty({ type: 'integer', example: 40000 }) expansionCents: number;
  @ApiProperty({ type: 'integer', example: -15000 }) contractionCents: number;
  @ApiProperty({ type: 'integer', example: -50000 }) churnedCents: number;
  @ApiProperty({ type: 'integer', example: 15000 }) reactivationCents: number;
  @ApiProperty({ type: 'integer', example: 110000, description: 'new + expansion + contraction + churned + reactivation' }) netCents: number;
  @ApiProperty({ type: 'integer', example: 250 }) payingTenantsStart: number;
  @ApiProperty({ type: 'integer', example: 258 }) payingTenantsEnd: number;
  @ApiProperty({ type: 'integer', example: 12, description: 'Tenants whose MRR went from 0 to more for the first time' }) newTenants: number;
  @ApiProperty({ type: 'integer', example: 1 }) reactivatedTenants: number;
  @ApiProperty({ type: 'integer', example: 5 }) churnedTenants: number;
  @ApiProperty({ type: String, nullable: true, example: '0.0200', description: `Churned tenants / paying tenants at the start: ${RATIO}` }) logoChurnRate: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.0260', description: `(churned + contraction MRR) / MRR at the start: ${RATIO}` }) grossRevenueChurnRate: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.0040', description: `(churned + contraction − expansion − reactivation MRR) / MRR at the start (negative: net expansion): ${RATIO}` })
  netRevenueChurnRate: string | null;
}

/** Sums of the range's movements in one currency (signed, minor units). */
export class RevenueMovementTotalsDto {
  @ApiProperty({ type: 'integer' }) newCents: number;
  @ApiProperty({ type: 'integer' }) expansionCents: number;
  @ApiProperty({ type: 'integer' }) contractionCents: number;
  @ApiProperty({ type: 'integer' }) churnedCents: number;
  @ApiProperty({ type: 'integer' }) reactivationCents: number;
  @ApiProperty({ type: 'integer' }) netCents: number;
}

/** A month and its MRR (minor units). */
export class MonthMrrDto {
  @ApiProperty({ example: '2027-04' }) month: string;
  @ApiProperty({ type: 'integer', example: 2650000 }) mrrCents: number;
}

/** The MRR forecast and how it was made. */
export class RevenueForecastDto {
  @ApiProperty({ description: 'How the forecast is computed' }) method: string;
  @ApiProperty({ type: [MonthMrrDto], description: 'The month-end MRR values fitted (the last is the MRR at `to`)' }) basis: MonthMrrDto[];
  @ApiProperty({ type: [MonthMrrDto], description: 'MRR at the end of each of the next 3 months' }) months: MonthMrrDto[];
}

/** LTV, or why it is not defined. */
export class RevenueLtvDto {
  @ApiProperty({ type: 'integer', nullable: true, example: 562500, description: 'ARPA / average monthly gross revenue churn rate of the range, minor units, rounded half-even' }) ltvCents: number | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why ltvCents is null (no churn: unbounded; no paying tenants)' }) reason: string | null;
}

/** The metrics of one currency. */
export class CurrencyRevenueMetricsDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer', example: 2610000, description: 'MRR at `to`: Σ of paying subscriptions’ monthly amounts (annual ÷ 12), minor units' }) mrrCents: number;
  @ApiProperty({ type: 'integer', example: 31320000, description: 'MRR × 12' }) arrCents: number;
  @ApiProperty({ type: 'integer', example: 258, description: 'Tenants with MRR > 0 in this currency at `to`' }) payingTenants: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 10116, description: 'MRR / paying tenants, rounded half-even' }) arpaCents: number | null;
  @ApiProperty({ type: RevenueLtvDto }) ltv: RevenueLtvDto;
  @ApiProperty({ type: String, nullable: true, description: `Mean of the months’ logo churn rates: ${RATIO}` }) averageLogoChurnRate: string | null;
  @ApiProperty({ type: String, nullable: true, description: `Mean of the months’ gross revenue churn rates: ${RATIO}` }) averageGrossRevenueChurnRate: string | null;
  @ApiProperty({ type: String, nullable: true, description: `Mean of the months’ net revenue churn rates: ${RATIO}` }) averageNetRevenueChurnRate: string | null;
  @ApiProperty({ type: RevenueMovementTotalsDto }) totals: RevenueMovementTotalsDto;
  @ApiProperty({ type: [RevenueMonthDto] }) months: RevenueMonthDto[];
  @ApiProperty({ type: RevenueForecastDto }) forecast: RevenueForecastDto;
}

/** Plan trials: conversions in the range and trials ending soon. */
export class TrialMetricsDto {
  @ApiProperty({ type: 'integer', description: 'Plan trials that ended in the range (converted, cancelled or otherwise ended)' }) endedInRange: number;
  @ApiProperty({ type: 'integer', description: 'Of those, the ones that became paying (active or past_due)' }) convertedInRange: number;
  @ApiProperty({ type: String, nullable: true, example: '0.4000', description: `converted / ended: ${RATIO}` }) conversionRate: string | null;
  @ApiProperty({ type: 'integer', description: 'Plan trials ending within 7 days of now' }) expiringIn7Days: number;
  @ApiProperty({ type: 'integer', description: 'Plan trials ending within 30 days of now' }) expiringIn30Days: number;
}

/** Payments in the range. */
export class PaymentMetricsDto {
  @ApiProperty({ type: 'integer', description: 'Failed payments created in the range' }) failedInRange: number;
  @ApiProperty({ type: [PaymentDto], description: 'The 10 latest payments created before `to`, newest first' }) recent: PaymentDto[];
}

/** GET /admin/billing/metrics: revenue metrics per currency (no FX), trials and payments. */
export class RevenueMetricsDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ enum: ['month'] }) interval: 'month';
  @ApiProperty({ example: RATIO, description: 'How every ratio field is written' }) ratioFormat: string;
  @ApiProperty({ type: [CurrencyRevenueMetricsDto] }) currencies: CurrencyRevenueMetricsDto[];
  @ApiProperty({ type: TrialMetricsDto }) trials: TrialMetricsDto;
  @ApiProperty({ type: PaymentMetricsDto }) payments: PaymentMetricsDto;
}

/** Body of POST /admin/billing/metrics/rebuild. */
export class RebuildMetricsDto {
  @ApiPropertyOptional({ default: true, description: 'Only compare (true, default); false also rewrites the movements and MRR state of every tenant with a difference from its history' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this tenant (default: every tenant with subscriptions)' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}

/** The kinds of difference the rebuild reports. */
export const MRR_DIFFERENCE_KINDS = ['missing_movement', 'unexpected_movement', 'movement_mismatch', 'state_mismatch', 'unrecorded_change'] as const;
export type MrrDifferenceKind = (typeof MRR_DIFFERENCE_KINDS)[number];

/** One movement as the rebuild compares it. */
export class MrrMovementFactsDto {
  @ApiProperty({ enum: MRR_MOVEMENT_KINDS, enumName: 'MrrMovementKind' }) kind: string;
  @ApiProperty({ type: 'integer' }) mrrBeforeCents: number;
  @ApiProperty({ type: 'integer' }) mrrAfterCents: number;
  @ApiProperty({ type: 'integer' }) deltaCents: number;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

/** A difference between the replayed history and what is recorded. */
export class MrrDifferenceDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ enum: MRR_DIFFERENCE_KINDS, enumName: 'MrrDifferenceKind', description: 'missing_movement: the history implies a movement that is not recorded; unexpected_movement: a recorded movement the history does not imply; movement_mismatch: recorded with other figures; state_mismatch: the tenant’s current MRR state differs from the replay; unrecorded_change: a subscription differs from its last snapshot (changed without a recording)' })
  kind: MrrDifferenceKind;
  @ApiProperty({ type: String, nullable: true, example: 'USD' }) currency: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The recording (history snapshots and movements share it)' }) changeId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) movementId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) subscriptionId: string | null;
  @ApiProperty({ type: MrrMovementFactsDto, nullable: true, description: 'What the replay gives' }) expected: MrrMovementFactsDto | null;
  @ApiProperty({ type: MrrMovementFactsDto, nullable: true, description: 'What is recorded' }) actual: MrrMovementFactsDto | null;
  @ApiProperty({ example: 'deltaCents: expected 2500, recorded 9999' }) detail: string;
}

/** What a rebuild found (and, without dryRun, repaired). */
export class MrrRebuildResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ type: 'integer' }) tenantsChecked: number;
  @ApiProperty({ type: 'integer' }) tenantsWithDifferences: number;
  @ApiProperty({ type: 'integer', description: 'Tenants whose movements and state were rewritten (0 on a dry run)' }) tenantsRepaired: number;
  @ApiProperty({ type: 'integer', description: 'All differences found (the list holds the first 100)' }) differencesCount: number;
  @ApiProperty({ type: [MrrDifferenceDto] }) differences: MrrDifferenceDto[];
}

/** An amount in one currency (minor units). */
export class CurrencyAmountDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer', example: 150000 }) amountCents: number;
}

/** An invoice as the billing summary lists it. */
export class InvoiceSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2027-000123' }) number: string | null;
  @ApiProperty({ enum: INVOICE_STATUSES, enumName: 'InvoiceStatus' }) status: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer' }) totalCents: number;
  @ApiProperty({ type: 'integer' }) amountDueCents: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finalizedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** GET /admin/tenants/:tenantId/billing/summary. Money per currency in minor units. */
export class TenantBillingSummaryDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: [CurrencyAmountDto], description: 'Lifetime value to date: Σ (amount − refunded) of succeeded, partially refunded and refunded payments' }) lifetimeValue: CurrencyAmountDto[];
  @ApiProperty({ type: [CurrencyAmountDto], description: 'Current MRR from the tenant’s subscriptions (annual ÷ 12)' }) mrr: CurrencyAmountDto[];
  @ApiProperty({ type: [CurrencyAmountDto], description: 'Σ amount due of open and uncollectible invoices' }) openBalance: CurrencyAmountDto[];
  @ApiProperty({ type: 'integer', description: 'Invoices (drafts included)' }) invoiceCount: number;
  @ApiProperty({ type: [InvoiceSummaryDto], description: 'The 5 latest invoices, newest first' }) lastInvoices: InvoiceSummaryDto[];
  @ApiProperty({ type: 'integer' }) paymentCount: number;
  @ApiProperty({ type: [PaymentDto], description: 'The 5 latest payments, newest first' }) lastPayments: PaymentDto[];
}
