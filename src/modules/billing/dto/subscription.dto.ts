import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDateTimeInRange } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { BILLING_INTERVALS } from '../../../common/time';
import { SUBSCRIPTION_KINDS, SUBSCRIPTION_STATUSES } from '../entities/subscription.entity';
import { LINE_KINDS } from '../entities/pending-invoice-item.entity';
import { COUPON_CODE_PATTERN, SubscriptionDiscountDto } from '../coupons/coupon.dto';

/** Largest licence count a request may ask for (a plan subscription's seats). */
export const MAX_LICENSES = 1_000_000;

/** A charge or credit as the billing rules compute it: recorded as a pending invoice item, or previewed. */
export class ChargeLineDto {
  @ApiProperty({ example: 'Remaining time on 5 × license (Seats plan)' }) description: string;
  @ApiProperty({ type: 'integer', example: 5, description: 'Units; negative on a credit for removed units' }) quantity: number;
  @ApiProperty({ type: 'integer', example: 1500, description: 'Full-period price of one unit, minor units' }) unitAmountCents: number;
  @ApiProperty({ type: 'integer', example: 3750, description: 'Amount billed (negative: credited), minor units, rounded half-even once' }) amountCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ format: 'date-time' }) periodStart: string;
  @ApiProperty({ format: 'date-time' }) periodEnd: string;
  @ApiProperty({ description: 'A prorated part of a period (true) or a full period (false)' }) proration: boolean;
  @ApiProperty({ enum: LINE_KINDS, enumName: 'ChargeLineKind', description: 'charge (a charge or credit) or discount (what a coupon takes off, negative)' }) kind: string;
}

/** A pending invoice item: a recorded charge waiting for the next invoice. */
export class PendingInvoiceItemDto extends ChargeLineDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) subscriptionId: string;
  @ApiProperty({ example: 'licenses.add', description: 'What produced it: subscription.start, trial.convert, licenses.add, licenses.remove, renewal, …' }) sourceAction: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The invoice that took it; null while pending' }) invoiceId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** A change that takes effect at the end of the current period (a downgrade, year → month). */
export class ScheduledChangeDto {
  @ApiPropertyOptional({ example: 'starter' }) planCode?: string;
  @ApiPropertyOptional({ enum: BILLING_INTERVALS, enumName: 'BillingInterval' }) interval?: string;
  @ApiProperty({ format: 'date-time' }) effectiveAt: string;
}

/** A subscription (plan or module). Amounts in minor units of `currency` per `interval`. */
export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ enum: SUBSCRIPTION_KINDS, enumName: 'SubscriptionKind' }) kind: string;
  @ApiProperty({ example: 'growth', description: 'The plan or module code' }) itemCode: string;
  @ApiProperty({ type: String, nullable: true, example: 'growth', description: 'The plan’s code (plan subscriptions); null on a module subscription' }) planCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The module’s code (module subscriptions); null on a plan subscription' }) moduleCode: string | null;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES, enumName: 'SubscriptionStatus' }) status: string;
  @ApiProperty({ enum: BILLING_INTERVALS, enumName: 'BillingInterval' }) interval: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'Licenses (plan, per-seat module) or 1; null when the plan does not license seats' }) quantity: number | null;
  @ApiProperty({ type: 'integer', example: 0, description: 'Captured base price per interval' }) unitAmountCents: number;
  @ApiProperty({ type: 'integer', example: 1500, description: 'Captured price of one license per interval (plan)' }) seatUnitAmountCents: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Negotiated price per interval replacing the computed one' }) priceOverrideCents: number | null;
  @ApiProperty({ type: 'integer', example: 15000, description: 'What one period costs now' }) periodAmountCents: number;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Monthly cost (annual / 12, half-even)' }) monthlyCostCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ format: 'date-time' }) currentPeriodStart: string;
  @ApiProperty({ format: 'date-time', description: 'End of the current period (exclusive); the next billing date' }) currentPeriodEnd: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
  @ApiProperty({ type: ScheduledChangeDto, nullable: true, description: 'A change waiting for the end of the current period' }) scheduledChange: ScheduledChangeDto | null;
  @ApiProperty() cancelAtPeriodEnd: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt: string | null;
  @ApiProperty({ type: SubscriptionDiscountDto, nullable: true, description: 'The live discount (a redeemed coupon) applied to its charges; null when none' }) discount: SubscriptionDiscountDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** A tenant's subscriptions with the figures of the super-admin subscription page. */
export class TenantSubscriptionDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: SubscriptionDto, description: 'The plan subscription' }) subscription: SubscriptionDto;
  @ApiProperty({ type: [SubscriptionDto], description: 'Module subscriptions (cancelled ones included)' }) modules: SubscriptionDto[];
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'Licensed seats; null when the plan does not license seats' }) licenses: number | null;
  @ApiProperty({ type: 'integer', example: 7 }) totalUsers: number;
  @ApiProperty({ type: 'integer', example: 6, description: 'Active users; each takes a license' }) activeUsers: number;
  @ApiProperty({ type: 'integer', example: 4, description: 'Active users signed in within the last 30 days' }) recentActiveUsers: number;
  @ApiProperty({ type: Number, nullable: true, example: 60, description: 'activeUsers / licenses × 100, 2 decimals; null without licenses' }) usagePercentage: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 9, description: 'Whole days left in the trial (rounded up); null when not in trial' }) trialDaysRemaining: number | null;
  @ApiProperty({ type: 'integer', example: 21, description: 'Whole days to the end of the current period (rounded up)' }) billingDaysRemaining: number;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Plan and active module subscriptions per month (annual / 12), minor units' }) monthlyCostCents: number;
  @ApiProperty({ format: 'date-time' }) nextBillingDate: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Payments come with invoicing; null until then' }) lastPaymentDate: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'billing@acme.example', description: 'Where bills go (the tenant’s billing email, else its contact email)' }) billingEmail: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Visa •••• 4242' }) paymentMethodLabel: string | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
}

/** The tenant's own view of its subscriptions (the staff page without staff notes). */
export class TenantSelfSubscriptionDto extends OmitType(TenantSubscriptionDto, ['notes'] as const) {}

/** Body of the licenses add/remove routes. With `preview: true` the answer is computed and nothing changes. */
export class ChangeLicensesDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LICENSES, example: 5 }) @IsInt() @Min(1) @Max(MAX_LICENSES) quantity: number;
  @ApiPropertyOptional({ default: false, description: 'Compute the answer (lines and totals) without changing anything' }) @IsOptional() @IsBoolean() preview?: boolean;
}

/** Body of convert-to-paid. */
export class PreviewableDto {
  @ApiPropertyOptional({ default: false, description: 'Compute the answer (lines and totals) without changing anything' }) @IsOptional() @IsBoolean() preview?: boolean;
}

/** What a license change did (or, previewed, would do). Amounts in minor units. */
export class LicenseChangesDto {
  @ApiProperty({ type: 'integer', example: 10 }) previousLicenses: number;
  @ApiProperty({ type: 'integer', example: 15 }) newLicenses: number;
  @ApiProperty({ type: 'integer', example: 15000 }) previousMonthlyCostCents: number;
  @ApiProperty({ type: 'integer', example: 22500 }) newMonthlyCostCents: number;
  @ApiProperty({ type: 'integer', example: 7500, description: 'newMonthlyCostCents − previousMonthlyCostCents' }) costDeltaCents: number;
  @ApiProperty({ type: 'integer', example: 3750, description: 'Prorated charge (negative: credit) for the rest of the current period, recorded as a pending invoice item' }) prorationCents: number;
  @ApiProperty({ type: 'integer', example: 6 }) activeUsers: number;
  @ApiProperty({ type: 'integer', example: 9, description: 'newLicenses − activeUsers' }) availableSeats: number;
}

/** Answer of the licenses add/remove routes. */
export class LicenseChangeResultDto {
  @ApiProperty({ description: 'True when nothing was changed (`preview: true`)' }) preview: boolean;
  @ApiProperty({ type: SubscriptionDto, description: 'The subscription after the change (as it would be, on a preview)' }) subscription: SubscriptionDto;
  @ApiProperty({ type: LicenseChangesDto }) changes: LicenseChangesDto;
  @ApiProperty({ type: [ChargeLineDto], description: 'The pending invoice items recorded (or that would be)' }) lines: ChargeLineDto[];
}

/** Answer of convert-to-paid. */
export class ConversionResultDto {
  @ApiProperty({ description: 'True when nothing was changed (`preview: true`)' }) preview: boolean;
  @ApiProperty({ type: SubscriptionDto }) subscription: SubscriptionDto;
  @ApiProperty({ type: [ChargeLineDto], description: 'The first period’s charge, recorded as a pending invoice item (or that would be)' }) lines: ChargeLineDto[];
  @ApiProperty({ type: 'integer', example: 15000, description: 'Sum of `lines`, minor units' }) totalCents: number;
}

/**
 * Body of PUT /admin/tenants/:tenantId/subscription: the subscription page's editable fields (a
 * staff edit: no proration is charged; the licenses routes prorate). At least one field.
 */
export class UpdateSubscriptionDto {
  @ApiPropertyOptional({ enum: SUBSCRIPTION_STATUSES, enumName: 'SubscriptionStatus', description: 'Also the tenant’s billing status the guards read (suspended blocks the tenant)' })
  @IsOptional() @IsIn(SUBSCRIPTION_STATUSES)
  status?: (typeof SUBSCRIPTION_STATUSES)[number];
  @ApiPropertyOptional({ example: 'growth', description: 'Move to this active plan now, capturing its current prices (no proration; use change-plan to prorate)' })
  @IsOptional() @IsString() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'planCode must be a plan code' })
  planCode?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LICENSES, description: 'Licensed seats (never below the active users)' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_LICENSES)
  licenses?: number;
  @IsIsoDateTimeInRange({ optional: true, nullable: true, description: 'End of the trial; null clears it' }) trialEndsAt?: Date | null;
  @IsIsoDateTimeInRange({ optional: true, description: 'End of the current period (the next billing date)' }) nextBillingDate?: Date;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_PRICE_CENTS, description: 'Negotiated price per interval replacing the computed one; null removes it' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRICE_CENTS)
  priceOverrideCents?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'billing@acme.example', description: 'The tenant’s billing email; null falls back to the contact email' })
  @IsOptional() @IsEmail() @MaxLength(254)
  billingEmail?: string | null;
  @ApiPropertyOptional({ example: 'ops@acme.example', description: 'The tenant’s contact email' }) @IsOptional() @IsEmail() @MaxLength(254) contactEmail?: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+49 30 1234567' }) @IsOptional() @IsString() @MinLength(3) @MaxLength(40) contactPhone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Visa •••• 4242', description: 'How the tenant pays, as shown to staff (no card data)' })
  @IsOptional() @IsString() @MaxLength(100)
  paymentMethodLabel?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(5000) notes?: string | null;
}

/** Answer of PUT subscription: the page after the change and what changed. */
export class SubscriptionUpdateResultDto {
  @ApiProperty({ type: TenantSubscriptionDto }) subscription: TenantSubscriptionDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', required: ['before', 'after'], properties: { before: { description: 'Value before' }, after: { description: 'Value after' } } },
    example: { licenses: { before: 10, after: 12 } },
    description: 'Changed fields by name, each with before and after (empty when nothing changed)',
  })
  changes: Record<string, { before: unknown; after: unknown }>;
}

/** When a plan change takes effect. */
export const CHANGE_EFFECTIVE = ['now', 'period_end'] as const;

/** Body of change-plan. */
export class ChangePlanDto {
  @ApiProperty({ example: 'enterprise', description: 'Code of an active plan' })
  @IsString() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'planCode must be a plan code' })
  planCode: string;
  @ApiPropertyOptional({ enum: BILLING_INTERVALS, enumName: 'BillingInterval', description: 'Default: the current interval. month → year is immediate (the unused month credited); year → month at period end' })
  @IsOptional() @IsIn(BILLING_INTERVALS)
  interval?: (typeof BILLING_INTERVALS)[number];
  @ApiPropertyOptional({ enum: CHANGE_EFFECTIVE, enumName: 'ChangeEffective', description: 'Default: now for an upgrade (prorated), period_end for a downgrade' })
  @IsOptional() @IsIn(CHANGE_EFFECTIVE)
  effective?: (typeof CHANGE_EFFECTIVE)[number];
  @ApiPropertyOptional({ example: 'SPRING20', description: 'A coupon to redeem on the plan subscription with the change (case-insensitive; checked against the new plan; a preview counts no redemption)' })
  @IsOptional() @IsString() @Matches(COUPON_CODE_PATTERN, { message: 'couponCode must be 1–40 letters, digits, - or _' })
  couponCode?: string;
  @ApiPropertyOptional({ default: false, description: 'Compute the answer (lines, totals, what breaks) without changing anything' }) @IsOptional() @IsBoolean() preview?: boolean;
}

/** A metric whose usage would be above the new plan's limit. */
export class OverLimitDto {
  @ApiProperty({ example: 'projects' }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 3 }) limit: number | null;
  @ApiProperty({ type: 'integer', example: 7 }) used: number;
}

/** What a downgrade breaks: usage above the new limits and modules that turn off. */
export class PlanChangeImpactDto {
  @ApiProperty({ type: [OverLimitDto], description: 'Existing resources stay; new ones are refused until usage is under the limit' }) overLimit: OverLimitDto[];
  @ApiProperty({ type: [String], example: ['crm'], description: 'Modules the current plan includes, the new one does not, and no module subscription keeps' }) modulesTurningOff: string[];
}

/** Answer of change-plan. Amounts in minor units. */
export class PlanChangeResultDto {
  @ApiProperty({ description: 'True when nothing was changed (`preview: true`)' }) preview: boolean;
  @ApiProperty({ enum: CHANGE_EFFECTIVE, enumName: 'ChangeEffective' }) effective: string;
  @ApiProperty({ format: 'date-time', description: 'When the change takes effect' }) effectiveAt: string;
  @ApiProperty({ description: 'Whether the new plan costs more per month than the current one' }) upgrade: boolean;
  @ApiProperty({ type: SubscriptionDto, description: 'The subscription after the call (a change at period end shows as its scheduled change)' }) subscription: SubscriptionDto;
  @ApiProperty({ type: [ChargeLineDto], description: 'Prorated credit and charge recorded now (none at period end or in trial)' }) lines: ChargeLineDto[];
  @ApiProperty({ type: 'integer', description: 'Sum of `lines`' }) totalCents: number;
  @ApiProperty({ type: PlanChangeImpactDto }) impact: PlanChangeImpactDto;
}

/** Body of extend-trial: a new end, or days to add to the current one, and why. */
export class ExtendTrialDto {
  @IsIsoDateTimeInRange({ optional: true, description: 'The new end of the trial (after the current one); or give `days`' }) trialEndsAt?: Date;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365, description: 'Days added to the current trial end; or give `trialEndsAt`' })
  @IsOptional() @IsInt() @Min(1) @Max(365)
  days?: number;
  @ApiProperty({ example: 'Evaluation extended by sales', minLength: 3, maxLength: 500 }) @IsString() @MinLength(3) @MaxLength(500) reason: string;
}
