import { MetricsOwnedBy } from '../plans';
import type { TenantRole } from '../../common/auth';

/** A seat metric of iam: `members` or `orgAdmins`. */
export type SeatMetric = MetricsOwnedBy<'iam'>;

/**
 * The seat rule of tenant users, in one place (the product's licensing rule: a license is a user
 * seat): an **active** user takes one seat of every metric whose `role` is unset or equals the
 * user's role; an inactive user takes none. `members` counts every active user, `orgAdmins` the
 * active admins. TenantUserAccounts reserves and releases by it; the recount measures by it.
 */
export const SEAT_RULE: Readonly<Record<SeatMetric, { role?: TenantRole }>> = {
  members: {},
  orgAdmins: { role: 'admin' },
};

/** The seats a user occupies under {@link SEAT_RULE}: `[]` when inactive. */
export function seatsTakenBy(user: { isActive: boolean; role: TenantRole }): SeatMetric[] {
  if (!user.isActive) return [];
  return (Object.keys(SEAT_RULE) as SeatMetric[]).filter((metric) => {
    const role = SEAT_RULE[metric].role;
    return role === undefined || role === user.role;
  });
}
