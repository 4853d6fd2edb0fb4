import { parseConfig } from '../../../config';
import { RECOVERY_CODE_COUNT, TwoFactorSecrets } from './two-factor-secrets';

describe('TwoFactorSecrets', () => {
  const secrets = new TwoFactorSecrets(parseConfig({ NODE_ENV: 'test', STAFF_2FA_SECRETS_KEY: 'k'.repeat(32) }));
  const staffId = '3d0c8f3e-2a4b-4b8e-9a51-6c1f0e2d7b94';

  it('seals a TOTP secret with AES-256-GCM bound to the staff member (fresh IV each time)', () => {
    const sealed = secrets.seal('JBSWY3DPEHPK3PXP', staffId);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(secrets.seal('JBSWY3DPEHPK3PXP', staffId)).not.toBe(sealed);
    expect(secrets.open(sealed, staffId)).toBe('JBSWY3DPEHPK3PXP');
    // Copied to another member's row, tampered, or opened under another key: refused.
    expect(() => secrets.open(sealed, '9a7e3f10-5b2c-4d8e-8f61-2c4b1a0e3d57')).toThrow();
    const [v, iv, tag, data] = sealed.split('.');
    expect(() => secrets.open([v, iv, tag, `A${data.slice(1)}`].join('.'), staffId)).toThrow();
    const other = new TwoFactorSecrets(parseConfig({ NODE_ENV: 'test', STAFF_2FA_SECRETS_KEY: 'z'.repeat(32) }));
    expect(() => other.open(sealed, staffId)).toThrow();
  });

  it('issues ten distinct XXXX-XXXX-XXXX recovery codes and hashes them keyed, forgiving case, dashes and look-alikes', () => {
    const codes = TwoFactorSecrets.generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$/);
    expect(secrets.hashRecoveryCode('AB10-CD0E-FG1H')).toBe(secrets.hashRecoveryCode('ab1o cdoe-fgih'));
    expect(secrets.hashRecoveryCode('AB10-CD0E-FG1H')).toBe(secrets.hashRecoveryCode('AB10CD0EFGLH'));
    expect(secrets.hashRecoveryCode('AB10-CD0E-FG1H')).not.toBe(secrets.hashRecoveryCode('AB10-CD0E-FG1J'));
    const other = new TwoFactorSecrets(parseConfig({ NODE_ENV: 'test', STAFF_2FA_SECRETS_KEY: 'z'.repeat(32) }));
    expect(other.hashRecoveryCode('AB10-CD0E-FG1H')).not.toBe(secrets.hashRecoveryCode('AB10-CD0E-FG1H'));
  });

  it('STAFF_2FA_* configuration: off by default, issuer without a colon', () => {
    expect(parseConfig({ NODE_ENV: 'test' }).staffTwoFactor).toEqual({ required: false, issuer: 'Control Plane', secretsKey: null });
    expect(parseConfig({ NODE_ENV: 'test', STAFF_2FA_REQUIRED: 'true', STAFF_2FA_ISSUER: 'Acme Ops' }).staffTwoFactor).toMatchObject({ required: true, issuer: 'Acme Ops' });
    expect(() => parseConfig({ NODE_ENV: 'test', STAFF_2FA_ISSUER: 'Acme:Ops' })).toThrow(/STAFF_2FA_ISSUER/);
    expect(() => parseConfig({ NODE_ENV: 'test', STAFF_2FA_SECRETS_KEY: 'short' })).toThrow(/STAFF_2FA_SECRETS_KEY/);
  });
});
