import { seatsTakenBy } from './seat-rule';

describe('seat rule (a license is an active user seat)', () => {
  it('an active admin takes a members and an orgAdmins seat', () => {
    expect(seatsTakenBy({ isActive: true, role: 'admin' })).toEqual(['members', 'orgAdmins']);
  });
  it.each(['manager', 'member', 'viewer'] as const)('an active %s takes a members seat only', (role) => {
    expect(seatsTakenBy({ isActive: true, role })).toEqual(['members']);
  });
  it.each(['admin', 'manager', 'member', 'viewer'] as const)('an inactive %s takes no seat', (role) => {
    expect(seatsTakenBy({ isActive: false, role })).toEqual([]);
  });
});
