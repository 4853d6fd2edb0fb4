import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The current instant for every rule that depends on "now": trials, billing periods, renewals,
 * dunning, expiries (CONVENTIONS §10). Inject it instead of calling `new Date()`. Production binds
 * {@link SystemClock}; the e2e suite replaces the provider with a controllable clock when it builds
 * the testing module. Nothing in the running service (no route, no variable) can move it.
 */
export abstract class Clock {
  /** The current instant (a fresh Date; callers may keep it). */
  abstract now(): Date;
}

/** The operating system's clock. */
@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Binds {@link Clock} to the system clock for the whole application. */
@Global()
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {}
