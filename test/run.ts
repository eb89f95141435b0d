/**
 * `npm test` runs this after the type-check and lint: it starts the Firestore and Pub/Sub emulators once (in
 * parallel), runs ava with the emulator variables set (arguments pass through: `tsx test/run.ts test/contract`),
 * stops the emulators however ava ends, prints `N passed, N failed` and exits with ava's code.
 *
 * Without gcloud: under CI=true it fails at once (CI must never pass by skipping); elsewhere it says so in one line
 * and runs ava without the variables, so emulator suites register a skipped test carrying the reason
 * (test/support/emulator-test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EMULATOR_ENV, hasGcloud, type RunningEmulator, startEmulator } from './support/emulators.ts';

const PROJECT = 'test-project';
const ci = process.env.CI === 'true';
const running: RunningEmulator[] = [];
const starting = new AbortController();
let ava: ChildProcess | null = null;
let interrupted: NodeJS.Signals | null = null;
let stopping: Promise<void> | null = null;

function stopEmulators(): Promise<void> {
  stopping ??= Promise.all(running.map((e) => e.stop())).then(() => undefined);
  return stopping;
}

/** Ctrl-C or a CI cancel: ava is told to stop (its exit then ends the run); emulators still starting are stopped. */
function interrupt(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = signal;
  starting.abort();
  if (ava && ava.exitCode === null && ava.signalCode === null) ava.kill(signal);
}
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

async function main(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (env.FIRESTORE_EMULATOR_HOST && env.PUBSUB_EMULATOR_HOST) {
    // Emulators someone already runs (quicker when iterating); nothing to start or stop.
    env.GOOGLE_CLOUD_PROJECT ??= PROJECT;
    env.METADATA_SERVER_DETECTION = 'none';
    console.log(
      `emulators from the environment: firestore ${env.FIRESTORE_EMULATOR_HOST}, pubsub ${env.PUBSUB_EMULATOR_HOST}`,
    );
  } else if (hasGcloud()) {
    const { signal } = starting;
    const started = await Promise.allSettled([
      startEmulator('firestore', { signal }),
      startEmulator('pubsub', { signal }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
    if (interrupted) return exitCodeFor(interrupted);
    const failed = started.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
    if (failed.length > 0) {
      for (const reason of failed) console.error(reason instanceof Error ? reason.message : String(reason));
      return 1;
    }
    for (const e of running) {
      env[EMULATOR_ENV[e.name]] = e.host;
    }
    env.GOOGLE_CLOUD_PROJECT = PROJECT;
    env.METADATA_SERVER_DETECTION = 'none';
    console.log(`emulators: ${running.map((e) => `${e.name} ${e.host}`).join(', ')}`);
  } else {
    const reason = 'gcloud is not on PATH, so the Firestore and Pub/Sub emulators cannot start';
    if (ci) {
      console.error(`test/run.ts: CI=true and ${reason}; install the Google Cloud SDK with its emulators.`);
      return 1;
    }
    console.log(`test/run.ts: ${reason}; emulator suites will be skipped.`);
    env.EMULATORS_UNAVAILABLE = reason;
    delete env.FIRESTORE_EMULATOR_HOST;
    delete env.PUBSUB_EMULATOR_HOST;
  }
  if (interrupted) return exitCodeFor(interrupted);
  const code = await runAva(process.argv.slice(2), env);
  return interrupted ? exitCodeFor(interrupted) : code;
}

function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** Runs ava with its own output shown as usual (colours kept), keeping a copy to read the summary from. */
function runAva(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  // ava's package exports do not include its CLI; it sits next to the main entry point.
  const cli = join(dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs');
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['inherit', 'pipe', 'pipe'] });
  ava = child;
  let transcript = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    transcript += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    transcript += chunk.toString();
  });
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`test/run.ts: could not run ava: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      const exit = code ?? exitCodeFor(signal ?? 'SIGTERM');
      console.log(summary(transcript, exit));
      resolve(exit);
    });
  });
}

/**
 * `N passed, N failed` from ava's per-test lines (`✔ title`, `✘ [fail]: title`): its closing summary leaves out the
 * passed count when something failed. Failures that are not a test (no tests in a file, a timeout, an uncaught
 * exception) show as ava's exit code.
 */
function summary(transcript: string, exit: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  const lines = transcript.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const passed = lines.filter((l) => /^\s*[✔√] (?!\[expected fail\])/.test(l)).length;
  const failed = lines.filter((l) => /^\s*[✘×] \[(fail|unexpected pass)\]:/.test(l)).length;
  const skipped = lines.filter((l) => /^\s*- \[skip\] /.test(l)).length;
  let line = `${passed} passed, ${failed} failed`;
  if (skipped > 0) line += ` (${skipped} skipped)`;
  if (interrupted) line += ` (interrupted by ${interrupted})`;
  else if (exit !== 0 && failed === 0) line += ` (ava exited with code ${exit}: see its output above)`;
  return line;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  })
  .then(async (code) => {
    await stopEmulators();
    process.exit(code);
  });
