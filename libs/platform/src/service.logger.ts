import type { LoggerService } from '@nestjs/common';
import pino, { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino';
import { redactDeep, scrubText } from './log.redaction';

/**
 * Structured JSON logs, one line each, with the service name on every line; written synchronously
 * so that nothing is lost at exit. No line carries a request body, a diagnosis, a bill item, an
 * eligibility category, a grant or a credential: every logged object and binding is redacted at
 * any depth (log.redaction.ts), errors included, and every message is scrubbed.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      // errors are serialised and redacted by the log formatter; a value it has not seen is redacted here
      serializers: { err: (err: unknown) => redactDeep(err), msg: (msg: unknown) => (typeof msg === 'string' ? scrubText(msg) : msg) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // pino formats a child's bindings with no formatter: redact them on the way in (children of children inherit this)
  const child = logger.child;
  logger.child = function (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    return Reflect.apply(child, this, [redactDeep(bindings), options]) as Logger;
  } as unknown as Logger['child'];
  return logger;
}

/** Nest's own messages into the same structured log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
