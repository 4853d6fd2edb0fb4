import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id: an incoming `X-Request-Id` is kept when it is a safe token (≤ 128 chars of
 * [A-Za-z0-9._:-]), else a UUID is generated. Memoised on the request and echoed in the
 * response header, so the logger, CLS and problem bodies all see the same value.
 */
export function requestIdOf(req: IncomingMessage & { id?: unknown }, res?: ServerResponse): string {
  let id = typeof req.id === 'string' ? req.id : undefined;
  if (!id) {
    const header = req.headers['x-request-id'];
    const incoming = Array.isArray(header) ? header[0] : header;
    id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
  }
  // Echoed whichever caller first passes the response (CLS setup or the access log).
  if (res && !res.headersSent && !res.hasHeader('X-Request-Id')) res.setHeader('X-Request-Id', id);
  return id;
}
