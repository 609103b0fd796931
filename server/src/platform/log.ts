import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * Structured JSON logs. Nothing here logs a secret on purpose; the redaction list is the
 * second line of defence for headers and fields that might carry one.
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'podId'>,
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { pod: config.podId },
      redact: {
        paths: [
          'authorization',
          'cookie',
          '*.authorization',
          '*.cookie',
          '*.headers.authorization',
          '*.headers.cookie',
          'password',
          '*.password',
          'token',
          '*.token',
          'SESSION_SECRET',
          'INGEST_TOKENS',
          'READ_TOKEN',
          'ALERT_SECRET_KEY',
          'secret',
          '*.secret',
          'botToken',
          '*.botToken',
          '*.*.botToken',
          '*.*.webhookUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * A connection URL (PostgreSQL, Redis) with its password replaced by `***`, for logs and status.
 * A string that is no URL comes back as `[unparseable url]`: cutting a password out of it by
 * pattern could miss one that contains `/` or `@`.
 */
export function redactUrl(url: string): string;
export function redactUrl(url: string | undefined): string | undefined;
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
