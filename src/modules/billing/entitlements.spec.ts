import { entitlementOf, EntitlementInput } from './entitlements';

const base: EntitlementInput = { staffOverride: undefined, deactivatedByTenant: false, includedInPlan: false, subscriptionStatus: null };

describe('module entitlement rule', () => {
  it.each<[Partial<EntitlementInput>, boolean, string]>([
    [{}, false, 'not_subscribed'],
    [{ subscriptionStatus: 'trial' }, true, 'trial'],
    [{ subscriptionStatus: 'active' }, true, 'subscribed'],
    [{ subscriptionStatus: 'past_due' }, true, 'past_due_grace'],
    [{ subscriptionStatus: 'suspended' }, false, 'subscription_suspended'],
    [{ subscriptionStatus: 'cancelled' }, false, 'subscription_cancelled'],
    [{ includedInPlan: true }, true, 'included_in_plan'],
    [{ includedInPlan: true, subscriptionStatus: 'cancelled' }, true, 'included_in_plan'],
    [{ staffOverride: true }, true, 'enabled_by_staff'],
    [{ staffOverride: false, includedInPlan: true, subscriptionStatus: 'active' }, false, 'disabled_by_staff'],
    [{ deactivatedByTenant: true, subscriptionStatus: 'trial' }, false, 'deactivated_by_tenant'],
    [{ deactivatedByTenant: true, staffOverride: true }, false, 'deactivated_by_tenant'],
    [{ deactivatedByTenant: true, staffOverride: false }, false, 'disabled_by_staff'],
  ])('%j → enabled %s (%s)', (input, enabled, reason) => {
    expect(entitlementOf({ ...base, ...input })).toEqual({ enabled, reason });
  });
});
