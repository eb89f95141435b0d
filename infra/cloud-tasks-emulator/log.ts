export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';

export interface LogEntry {
  readonly severity: Severity;
  readonly message: string;
  readonly [field: string]: unknown;
}

export type LogSink = (entry: LogEntry) => void;

export const silent: LogSink = () => {};

/** One JSON object per line on stdout, with the `severity` and `message` keys Cloud Logging understands. */
export const jsonLines: LogSink = (entry) => {
  process.stdout.write(`${JSON.stringify({ ...entry, time: new Date().toISOString() })}\n`);
};
