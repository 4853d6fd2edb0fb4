import { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClsServiceManager } from 'nestjs-cls';
import pino, { Level, Logger } from 'pino';
import pinoHttp from 'pino-http';
import { requestIdOf } from '../context/request-id';

/** Paths redacted from every log line: credentials and secrets never reach the logs. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
];

/** DI token of the process's root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The process's root logger: JSON lines on stdout at `level` (a pino level or `silent`), secrets
 * redacted ({@link LOG_REDACT}), and the request id of the current request (its CLS context) on
 * every line written while serving it — a mixin evaluated per line, so serving a request costs
 * nothing when nothing is logged.
 */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: LOG_REDACT, censor: '[REDACTED]' },
    mixin(merge, _level, logger) {
      // Access-log lines carry it already (a binding of pino-http's per-request child).
      if ('requestId' in merge || 'requestId' in logger.bindings()) return {};
      const cls = ClsServiceManager.getClsService();
      const id = cls.isActive() ? cls.getId() : undefined;
      return id ? { requestId: id } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Access log middleware (one `info` line per answered request, health probes excluded), or null
 * when `info` is not enabled: then no per-request logger work happens at all. Failures are logged
 * regardless by the problem filter (`error`, with the request id).
 */
export function requestLogMiddleware(root: Logger): ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null {
  if (!root.isLevelEnabled('info')) return null;
  return pinoHttp({
    logger: root,
    genReqId: (req, res) => requestIdOf(req, res),
    customAttributeKeys: { reqId: 'requestId' },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    quietReqLogger: true,
  });
}

type NestLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
const PINO_LEVEL: Record<NestLevel, Level> = { log: 'info', error: 'error', warn: 'warn', debug: 'debug', verbose: 'trace', fatal: 'fatal' };

/**
 * Nest's `LoggerService` over the root pino logger: `logger.log(message, context?)`,
 * `logger.error(message | { err, …fields }, stack? | message?, context?)`. The trailing string is
 * Nest's context (the class name), logged as `context`; an object message is merged into the line
 * (`err` serialised with its stack).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(nestLevel: NestLevel, message: unknown, rest: unknown[]): void {
    const level = PINO_LEVEL[nestLevel];
    if (!this.root.isLevelEnabled(level)) return;
    const args = [...rest];
    const context = args.length > 0 && typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...(message as Record<string, unknown>) }, typeof args[0] === 'string' ? args[0] : undefined);
    } else {
      // Nest passes an error's stack as the argument before the context.
      if (nestLevel === 'error' && typeof args[0] === 'string') fields.stack = args[0];
      this.root[level](fields, String(message));
    }
  }
}
