import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export type EmulatorName = 'firestore' | 'pubsub';

export interface RunningEmulator {
  readonly name: EmulatorName;
  /** `127.0.0.1:PORT`, the value for FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. */
  readonly host: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/**
 * Runs `gcloud "$@"` in the new process group, plus a watchdog that stops the whole group when its stdin (a pipe
 * from this process) closes: if this process dies without calling stop() (SIGKILL, a crash, `tsx` giving up on a
 * slow signal handler), the emulators go with it instead of lingering. The shell exits with gcloud's status.
 */
const WATCHDOG = 'exec 3<&0; { read -r _ <&3; kill -TERM 0; } & exec 3<&-; gcloud "$@" </dev/null & wait $!';

const ARGS: Readonly<Record<EmulatorName, readonly string[]>> = {
  firestore: ['emulators', 'firestore', 'start'],
  pubsub: ['beta', 'emulators', 'pubsub', 'start'],
};

export const EMULATOR_ENV: Readonly<Record<EmulatorName, string>> = {
  firestore: 'FIRESTORE_EMULATOR_HOST',
  pubsub: 'PUBSUB_EMULATOR_HOST',
};

/** Whether `gcloud` is on PATH (a PATH walk: `gcloud --version` takes seconds). */
export function hasGcloud(env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'gcloud'), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}

/**
 * Starts `gcloud … <emulator> start` on a free port in its own process group (gcloud is a Python wrapper around a
 * Java server; stopping the group stops both, and so does this process's death, see WATCHDOG). Resolves once the emulator answers `GET /` with 200, which both
 * emulators do only when they are ready. Rejects with the end of the emulator's output after 60 s or if it exits,
 * and stops it when `signal` aborts first.
 */
export async function startEmulator(
  name: EmulatorName,
  options: { readonly signal?: AbortSignal } = {},
): Promise<RunningEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn('bash', ['-c', WATCHDOG, 'emulator', ...ARGS[name], `--host-port=${host}`], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer | string) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let ended: string | null = null;
  child.once('error', (error) => {
    ended = `could not run gcloud: ${error.message}`;
  });
  child.once('exit', (code, signal) => {
    ended = `exited (${signal ?? `code ${code}`}) before it was ready`;
  });
  const emulator: RunningEmulator = { name, host, stop: () => stopGroup(child) };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (options.signal?.aborted) {
      await emulator.stop();
      throw new Error(`${name} emulator: start aborted`);
    }
    if (ended !== null) {
      await emulator.stop();
      throw new Error(`${name} emulator ${ended}:\n${output.trim()}`);
    }
    if (await answers(host)) return emulator;
    await sleep(200);
  }
  await emulator.stop();
  throw new Error(
    `${name} emulator not ready on ${host} after ${START_TIMEOUT_MS / 1000} s (Java 17+ installed?):\n${output.trim()}`,
  );
}

/** The emulator hosts a test process was given (by test/run.ts, or by hand). */
export function emulatorEnv(env: NodeJS.ProcessEnv = process.env): {
  readonly firestore: string | undefined;
  readonly pubsub: string | undefined;
  readonly projectId: string;
} {
  return {
    firestore: env.FIRESTORE_EMULATOR_HOST || undefined,
    pubsub: env.PUBSUB_EMULATOR_HOST || undefined,
    projectId: env.GOOGLE_CLOUD_PROJECT || 'test-project',
  };
}

async function answers(host: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group (gcloud's Python and the Java server), SIGKILL whatever is left after the grace. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
}

/** Signals process group `pid`; false when no process of the group is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
