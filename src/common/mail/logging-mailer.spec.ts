import { maskSecrets } from './logging-mailer';

describe('maskSecrets', () => {
  it('cuts every sensitive value to a prefix and keeps the rest of the text', () => {
    const token = 'prt_abcdefghijklmnopqrstuvwxyz0123456789';
    const text = `Reset: ${token}\nAgain: ${token}`;
    const masked = maskSecrets(text, [token]);
    expect(masked).not.toContain(token);
    expect(masked).toBe('Reset: prt_abcd…\nAgain: prt_abcd…');
  });

  it('leaves the text alone without secrets', () => {
    expect(maskSecrets('hello', [])).toBe('hello');
    expect(maskSecrets('hello', [''])).toBe('hello');
  });
});
