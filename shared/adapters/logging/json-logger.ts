import type { Logger, Severity } from '../../ports/logger.ts';

/** Severities in order, lowest first. */
export const RANK: Record<Severity, number> = { DEBUG: 0, INFO: 1, NOTICE: 2, WARNING: 3, ERROR: 4 };

/** Keys whose values must never reach a log line, whoever passes them. */
const REDACT = /secret|signature|token|authorization|password|api[-_]?key|email|contact|phone|vpa|card/i;

/** Copies `fields` with secrets replaced and errors reduced to name and message. */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (REDACT.test(k)) out[k] = '[redacted]';
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message };
    else out[k] = v;
  }
  return out;
}

/** One JSON object per line on stdout, in the shape Cloud Logging parses (`severity`, `message`). */
export class JsonLogger implements Logger {
  constructor(
    private readonly minSeverity: Severity = 'INFO',
    private readonly base: Record<string, unknown> = {},
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
    if (RANK[severity] < RANK[this.minSeverity]) return;
    this.write(
      JSON.stringify({ severity, message, time: new Date().toISOString(), ...redact({ ...this.base, ...fields }) }),
    );
  }

  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.minSeverity, { ...this.base, ...fields }, this.write);
  }
}

/** Keeps lines in memory: tests read them to assert what was (and was not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: { severity: Severity; message: string; [k: string]: unknown }[];

  constructor(
    private readonly base: Record<string, unknown> = {},
    lines?: MemoryLogger['lines'],
  ) {
    this.lines = lines ?? [];
  }

  log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ severity, message, ...redact({ ...this.base, ...fields }) });
  }

  child(fields: Record<string, unknown>): Logger {
    return new MemoryLogger({ ...this.base, ...fields }, this.lines);
  }
}
