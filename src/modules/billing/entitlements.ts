import type { EntitlementReason, ModuleEntitlement } from '../../common/auth';
import type { SubscriptionStatus } from './entities/subscription.entity';

/** What decides one module's entitlement for a tenant. */
export interface EntitlementInput {
  /** Staff feature override of the module: true (on), false (off) or absent. */
  staffOverride: boolean | undefined;
  /** Whether the tenant has switched the module off itself. */
  deactivatedByTenant: boolean;
  /** Whether the tenant's plan includes the module at no charge. */
  includedInPlan: boolean;
  /** Status of the tenant's latest subscription to the module, if any. */
  subscriptionStatus: SubscriptionStatus | null;
}

/**
 * The entitlement rule (the product's: a module is enabled when the plan includes it or a module
 * subscription is in trial or active — past_due within the grace period — and the tenant has not
 * switched it off, and no staff override turns it off), in precedence order: staff off, tenant
 * off, staff on, plan, subscription.
 */
export function entitlementOf(input: EntitlementInput): ModuleEntitlement {
  const result = (enabled: boolean, reason: EntitlementReason): ModuleEntitlement => ({ enabled, reason });
  if (input.staffOverride === false) return result(false, 'disabled_by_staff');
  if (input.deactivatedByTenant) return result(false, 'deactivated_by_tenant');
  if (input.staffOverride === true) return result(true, 'enabled_by_staff');
  if (input.includedInPlan) return result(true, 'included_in_plan');
  switch (input.subscriptionStatus) {
    case 'trial':
      return result(true, 'trial');
    case 'active':
      return result(true, 'subscribed');
    case 'past_due':
      return result(true, 'past_due_grace');
    case 'suspended':
      return result(false, 'subscription_suspended');
    case 'cancelled':
      return result(false, 'subscription_cancelled');
    default:
      return result(false, 'not_subscribed');
  }
}
