import type { Logger, Severity } from '../../ports/logger.ts';
import { JsonLogger, RANK, redact } from './json-logger.ts';

const COLOUR: Record<Severity, string> = {
  DEBUG: '\x1b[2m',
  INFO: '\x1b[36m',
  NOTICE: '\x1b[34m',
  WARNING: '\x1b[33m',
  ERROR: '\x1b[31m',
};
const RESET = '\x1b[0m';
// fields that make a line long and say little to a person reading along (the JSON format keeps them)
const QUIET = new Set(['requestId', 'time', 'messageId']);

function show(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/**
 * One short line per event for a person at a terminal (`LOG_FORMAT=pretty`):
 * `10:04:05.123 INFO  api  request  POST /v1/orders 201 0.004s`. Redacts exactly what the JSON logger redacts.
 */
export class PrettyLogger implements Logger {
  constructor(
    private readonly minSeverity: Severity = 'INFO',
    private readonly base: Record<string, unknown> = {},
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly colour = false,
  ) {}

  log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
    if (RANK[severity] < RANK[this.minSeverity]) return;
    const { service, httpRequest, ...rest } = redact({ ...this.base, ...fields });
    const parts = [new Date().toISOString().slice(11, 23), severity.padEnd(7)];
    if (this.colour) parts[1] = `${COLOUR[severity]}${parts[1]}${RESET}`;
    if (service !== undefined) parts.push(String(service));
    parts.push(message);
    if (httpRequest && typeof httpRequest === 'object') {
      const r = httpRequest as Record<string, unknown>;
      parts.push(`${r.requestMethod} ${r.requestUrl} ${r.status} ${r.latency}`);
    }
    const extra = Object.entries(rest)
      .filter(([k, v]) => !QUIET.has(k) && v !== undefined)
      .map(([k, v]) => `${k}=${show(v)}`);
    this.write([...parts, ...extra].join('  '));
  }

  child(fields: Record<string, unknown>): Logger {
    return new PrettyLogger(this.minSeverity, { ...this.base, ...fields }, this.write, this.colour);
  }
}

/**
 * The logger a composition root picks: `format` as configured (LOG_FORMAT), or, unset, pretty at a terminal and
 * JSON anywhere else (Cloud Run, where stdout is never a terminal).
 */
export function consoleLogger(
  format: 'json' | 'pretty' | undefined,
  minSeverity: Severity,
  base: Record<string, unknown> = {},
  isTerminal: boolean = process.stdout.isTTY === true,
): Logger {
  const pretty = format === 'pretty' || (format === undefined && isTerminal);
  return pretty ? new PrettyLogger(minSeverity, base, undefined, isTerminal) : new JsonLogger(minSeverity, base);
}
