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
const STOP_GRACE_MS = 8_000;

/**
 * A shell around `gcloud "$@"`. gcloud moves itself into a process group of its own (its pid), which holds it and the
 * Java server, so the shell keeps that group id and:
 *   - on SIGTERM/SIGINT/SIGHUP stops the group: SIGTERM, up to 5 s for it to go, then SIGKILL;
 *   - stops it the same way when its stdin, a pipe from this process, closes: if this process dies without calling
 *     stop() (SIGKILL, a crash, `tsx` giving up on a slow signal handler), the emulator goes with it;
 *   - otherwise exits with gcloud's status (after clearing up what gcloud left).
 */
const WRAPPER = `
gcloud "$@" </dev/null &
g=$!
gone() { ! kill -0 -- "-$g" 2>/dev/null && ! kill -0 "$g" 2>/dev/null; }
stop() {
  kill -TERM -- "-$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null
  for _ in $(seq 50); do gone && exit 143; sleep 0.1; done
  kill -KILL -- "-$g" "$g" 2>/dev/null
  exit 143
}
trap stop TERM INT HUP
exec 3<&0
{ read -r _ <&3; kill -TERM $$; } &
wait "$g"
status=$?
kill -TERM -- "-$g" 2>/dev/null
exit "$status"
`;

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
 * Starts `gcloud … <emulator> start` on a free port inside WRAPPER, detached from our process group (a Ctrl-C reaches
 * only the test runner, which then stops the emulators itself); stop() ends gcloud and its Java server together, and
 * so does this process's death. Resolves once the emulator answers `GET /` with 200, which both emulators do only
 * when ready. Rejects with the end of the emulator's output after 60 s or if it exits, and stops it when `signal`
 * aborts first.
 */
export async function startEmulator(
  name: EmulatorName,
  options: { readonly signal?: AbortSignal } = {},
): Promise<RunningEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn('bash', ['-c', WRAPPER, 'emulator', ...ARGS[name], `--host-port=${host}`], {
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

/** SIGTERM to the wrapper's group (WRAPPER stops gcloud's group, up to 5 s), SIGKILL if it is still there after 8 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM'); // also ends the stdin watcher when the wrapper itself has already exited
  if (!running) return;
  const done = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!done) signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
