/**
 * Whether an error means "PostgreSQL or Redis could not be reached or dropped the connection",
 * as opposed to a bug or a bad request. Such failures answer 503 `dependency_unavailable` with
 * Retry-After — never a 401 (which would sign every user out while Redis restarts) nor a 500.
 * Recognised: Node socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND,
 * EAI_AGAIN, EHOSTUNREACH), PostgreSQL SQLSTATE class 08 (connection exception) and 57P01–57P03
 * (server shutting down or starting), node-postgres pool and connection messages, and ioredis'
 * connection-closed, command-timeout and max-retries errors.
 */
export function isDependencyFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    // TypeORM wraps driver errors; Node wraps causes.
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const MESSAGES = [
  /^Connection is closed\.?$/, // ioredis, after the connection was lost
  /^Command timed out$/, // ioredis commandTimeout
  /Stream isn't writeable and enableOfflineQueue options is false/, // ioredis
  /^Connection terminated( unexpectedly| due to connection timeout)?$/, // node-postgres
  /^timeout exceeded when trying to connect$/, // node-postgres pool
  /^Client has encountered a connection error and is not queryable$/, // node-postgres
];
