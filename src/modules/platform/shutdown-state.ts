import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is shutting down (draining). Set once, at the shutdown signal (main.ts)
 * or at the latest when the HTTP drain starts (app.close()); never cleared, since a draining
 * process only exits. Read by the readiness probe (503 while draining, so a load balancer stops
 * routing here) and by {@link HttpDrain} (`Connection: close` on every response from then on).
 */
@Injectable()
export class ShutdownState {
  private since: number | null = null;

  /** True from the shutdown signal on. */
  get draining(): boolean {
    return this.since !== null;
  }

  /** When draining began, ms since the epoch (wall clock), or null while serving normally. */
  get drainingSince(): number | null {
    return this.since;
  }

  /** Marks the instance as draining; later calls keep the first instant. */
  begin(): void {
    this.since ??= Date.now();
  }
}
