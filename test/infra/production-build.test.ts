import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { freePort } from '../support/emulators.ts';

/**
 * The production build as the image runs it: `tsc -p tsconfig.build.json` into a fresh directory, beside a
 * node_modules holding only the production dependencies (package-lock's non-dev packages; `--preserve-symlinks` keeps
 * resolution inside it, so an import of a dev dependency, tsx included, fails here), started with plain `node` and
 * no loader. It answers its health check, finishes a request in flight after SIGTERM, and exits 0.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function productionModules(into: string): number {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  let count = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    // top-level packages only: nested node_modules come along inside their parent's directory
    if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) || entry.dev) continue;
    mkdirSync(dirname(join(into, path)), { recursive: true });
    symlinkSync(join(ROOT, path), join(into, path), 'dir');
    count++;
  }
  return count;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('npm run build output runs with plain node on production dependencies: /healthz, drain on SIGTERM, exit 0', async (t) => {
  t.timeout(150_000);
  const dir = mkdtempSync(join(tmpdir(), 'payments-build-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // type-checking is `npm run check`'s job; this compiles only (tsc --noCheck), as tsconfig.build.json says
  // at low priority: the compile is CPU-bound, and other test files running beside it are timing-sensitive
  const tsc = spawnSync(
    'nice',
    [
      '-n',
      '15',
      process.execPath,
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(dir, 'dist'),
      '--noCheck',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  t.is(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
  writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  t.true(productionModules(dir) > 0);

  const port = await freePort();
  const server = spawn(process.execPath, ['--preserve-symlinks', 'dist/services/google/main.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      METADATA_SERVER_DETECTION: 'none',
      RUNTIME: 'google',
      SERVICE: 'webhooks',
      PORT: String(port),
      HOST: '127.0.0.1',
      GOOGLE_CLOUD_PROJECT: 'build-test',
      PUSH_OIDC_AUDIENCE: 'https://payments-webhooks.example',
      PUSH_SERVICE_ACCOUNT: 'payments-pusher@build-test.iam.gserviceaccount.com',
      RAZORPAY_KEY_ID: 'rzp_test_build',
      RAZORPAY_KEY_SECRET: 'build-key-secret',
      RAZORPAY_WEBHOOK_SECRET: 'build-webhook-secret',
      // the KMS client is made on first use: a health check needs no key, only the setting
      KMS_KEY_NAME: 'projects/build-test/locations/asia-south1/keyRings/payments/cryptoKeys/payments',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  t.teardown(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let health: Response | null = null;
  while (!health && Date.now() < deadline && server.exitCode === null) {
    health = await fetch(`${base}/healthz`).catch(() => null);
    if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.truthy(health, `no answer from the compiled server:\n${output}`);
  t.is(health!.status, 200);
  t.deepEqual(await health!.json(), { ok: true, service: 'webhooks' });

  // a request in flight when SIGTERM arrives: headers and half the body sent, the rest after the signal
  const body = JSON.stringify({ event: 'payment.captured', payload: {} });
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
  });
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST /webhooks/razorpay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `X-Razorpay-Signature: not-a-signature\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const exit = exited(server);
  server.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.is(server.exitCode, null, 'the server left with a request in flight');
  const finished = Date.now();
  socket.write(body.slice(10));
  await socketClosed;
  t.regex(answer, /^HTTP\/1\.1 401 /, answer);
  t.is(await exit, 0, output);
  // it left because nothing was left in flight, not because the 8 s cap ran out
  t.true(Date.now() - finished < 5000, `exit took ${Date.now() - finished} ms`);
  t.regex(output, /SIGTERM: draining and stopping/);
});
