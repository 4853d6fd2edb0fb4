import type { Response } from 'express';

/**
 * Starts a Server-Sent Events response (WHATWG HTML §9.2): 200, `text/event-stream`, no caching
 * or proxy buffering, a first comment, and a comment every `heartbeatSeconds` while it is open.
 * Returns `stop()`, which ends the heartbeat (call it when the client leaves).
 */
export function startEventStream(res: Response, heartbeatSeconds: number): { stop: () => void } {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(': connected\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatSeconds * 1000);
  heartbeat.unref();
  return { stop: () => clearInterval(heartbeat) };
}
