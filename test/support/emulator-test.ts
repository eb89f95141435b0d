import test from 'ava';
import { EMULATOR_ENV, type EmulatorName } from './emulators.ts';

/**
 * Gate for emulator-backed test files: `emulatorSuite('firestore', (host) => { …register tests… })`.
 *
 * - Emulator host set (test/run.ts sets it when gcloud is installed) → the tests are registered and run.
 * - Not set, `CI=true` → one failing test saying why: CI never goes green by skipping.
 * - Not set, elsewhere → one `test.skip` whose title is the one-line reason, so ava's output and its
 *   "N tests skipped" line show that and why the suite did not run. (Registering no test at all is not an option:
 *   ava fails a file without tests, "No tests found".)
 */
export function emulatorSuite(emulator: EmulatorName, register: (host: string) => void): void {
  const variable = EMULATOR_ENV[emulator];
  const host = process.env[variable];
  if (host) {
    register(host);
    return;
  }
  const why =
    process.env.EMULATORS_UNAVAILABLE ?? 'run `npm test` (test/run.ts starts the emulators) or set it yourself';
  const reason = `${variable} is not set: ${why}`;
  if (process.env.CI === 'true') {
    test(`${emulator} emulator suite must run under CI=true`, (t) => {
      t.fail(reason);
    });
  } else {
    test.skip(`${emulator} emulator suite skipped: ${reason}`, () => {});
  }
}

/** A name no other test file or run uses: emulator state (projects, topics) is shared by every file of a run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
