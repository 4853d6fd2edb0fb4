import { Clock } from '../../src/common/time';

/**
 * A clock the e2e suite moves by hand (CONVENTIONS §10): bound in place of the system clock when
 * the testing module is built (`createTestApp(env, imports, { clock })`), so a test can run a trial
 * or a year of renewals in seconds. Starts at `start` (default: the real now) and stands still
 * until moved.
 */
export class ControllableClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `at`. */
  set(at: Date): void {
    this.current = at.getTime();
  }

  /** Moves forward by `ms` milliseconds (or days with `advanceDays`). */
  advance(ms: number): void {
    this.current += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}
