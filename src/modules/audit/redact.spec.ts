import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const input = { email: 'a@b.c', password: 'x', admin: { newPassword: 'y', refreshToken: 'z', name: 'n' }, list: [{ apiKey: 'k' }] };
    expect(redactSecrets(input)).toEqual({
      email: 'a@b.c',
      password: REDACTED,
      admin: { newPassword: REDACTED, refreshToken: REDACTED, name: 'n' },
      list: [{ apiKey: REDACTED }],
    });
    expect(input.password).toBe('x');
  });
});
