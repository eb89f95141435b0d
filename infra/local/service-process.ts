import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger, Severity } from '../../shared/ports/logger.ts';

const ENTRY = fileURLToPath(new URL('./with-parent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEVERITIES = new Set(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR']);

export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** Starts it (again) and waits for its health check. */
  start(): Promise<void>;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * One service of the catalogue as its own Node process, started through the Cloud Run entry point with its own
 * environment (`SERVICE=<name>`), its JSON log lines passed on to `logger`.
 */
export function serviceProcess(options: {
  readonly name: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Node flags before the entry point (benches: `--trace-gc`); none by default. */
  readonly nodeArgs?: readonly string[];
}): ServiceProcess {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | null = null;
  const relay = (stream: NodeJS.ReadableStream, fallback: Severity) => {
    createInterface({ input: stream }).on('line', (line) => {
      try {
        const { severity, message, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
        const s = typeof severity === 'string' && SEVERITIES.has(severity) ? (severity as Severity) : fallback;
        options.logger.log(s, String(message ?? ''), { service: options.name, ...fields });
      } catch {
        options.logger.log(fallback, line, { service: options.name });
      }
    });
  };
  const exited = (p: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) resolve();
      else p.once('exit', () => resolve());
    });
  return {
    name: options.name,
    url,
    get pid() {
      return child?.pid;
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const p = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ENTRY], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...options.env, SERVICE: options.name, PORT: String(options.port) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child = p;
      relay(p.stdout!, 'INFO');
      relay(p.stderr!, 'ERROR');
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (p.exitCode !== null) throw new Error(`${options.name} exited with ${p.exitCode} while starting`);
        try {
          const res = await fetch(`${url}/healthz`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${options.name} did not answer /healthz within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      const p = child;
      if (!p) return;
      p.kill(signal);
      await exited(p);
    },
  };
}
