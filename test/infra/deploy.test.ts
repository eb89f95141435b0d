import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { deployScript, gcloudCommands } from '../../infra/deploy/gcloud.ts';
import { cloudRunUrls, describeResources } from '../../infra/deploy/resources.ts';
import { SERVICES } from '../../services/catalogue/catalogue.ts';
import { loadConfig } from '../../shared/config.ts';

/**
 * The deploy is derived from the catalogue: the generated script deploys every service with its own account, the
 * ingress and authentication its kind needs, and only the secrets it reads; cloudbuild.yaml runs that script, and the
 * image runs the compiled entry point.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROJECT = 'acme-pay';
const resources = describeResources(loadConfig({ RUNTIME: 'embedded' }), {
  project: PROJECT,
  region: 'asia-south1',
  serviceUrls: cloudRunUrls('42', 'asia-south1'),
});
const IMAGE = 'asia-south1-docker.pkg.dev/acme-pay/payments/payments:abc123';

/** Runs the generated deploy script with a `gcloud` that only records its arguments; returns one line per call. */
function runDeploy(env: Record<string, string> = {}): { calls: string[]; files: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'payments-deploy-'));
  try {
    writeFileSync(join(dir, 'gcloud'), '#!/usr/bin/env bash\nprintf "%s\\n" "$*" >> "$CALLS"\n');
    chmodSync(join(dir, 'gcloud'), 0o755);
    writeFileSync(join(dir, 'base.yaml'), 'RUNTIME: google\n');
    writeFileSync(
      join(dir, 'deploy.sh'),
      deployScript(resources, { image: IMAGE, envFile: 'base.yaml', environment: 'staging' }),
    );
    const result = spawnSync('bash', ['deploy.sh'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH}`, CALLS: join(dir, 'calls'), ...env },
    });
    if (result.status !== 0) throw new Error(result.stderr);
    const files: Record<string, string> = {};
    for (const s of SERVICES) files[s.name] = readFileSync(join(dir, '.deploy', `${s.name}.env.yaml`), 'utf8');
    return { calls: readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n'), files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the deploy script deploys every catalogue service: own account, ingress by kind, sizing, only its secrets', (t) => {
  const { calls, files } = runDeploy();
  for (const service of SERVICES) {
    const deploy = calls.find((c) => c.startsWith(`run deploy payments-${service.name} `));
    t.truthy(deploy, `no deploy of ${service.name}`);
    t.true(deploy!.includes(`--image=${IMAGE}`));
    t.true(deploy!.includes(`--service-account=payments-${service.name}@${PROJECT}.iam.gserviceaccount.com`));
    t.regex(deploy!, /--concurrency=\d+ --min-instances=\d+ --max-instances=\d+/);
    const isPublic = service.publicPaths.length > 0;
    t.is(deploy!.includes('--ingress=all --allow-unauthenticated'), isPublic, deploy);
    t.is(deploy!.includes('--ingress=internal --no-allow-unauthenticated'), !isPublic, deploy);
    // private services are invoked only by the push account (tasks, pushes, jobs)
    const invoker = calls.find((c) => c.startsWith(`run services add-iam-policy-binding payments-${service.name} `));
    t.is(invoker !== undefined, !isPublic);
    if (invoker) t.true(invoker.includes(`--member=serviceAccount:${resources.pushAccount} --role=roles/run.invoker`));
    // secrets follow the needs: the notifier never sees a Razorpay secret
    t.is(deploy!.includes('RAZORPAY_KEY_SECRET=razorpay-key-secret:latest'), service.needs.includes('gateway'));
    t.is(deploy!.includes('OPERATOR_API_KEYS=operator-api-keys:latest'), service.needs.includes('operatorKeys'));
    t.false(deploy!.includes('APP_WEBHOOK_SECRET'));
    // its own settings on top of the environment's file
    t.true(files[service.name]!.startsWith('RUNTIME: google\n'));
    t.true(files[service.name]!.includes(`SERVICE: "${service.name}"`));
    t.true(
      files[service.name]!.includes(`PUSH_OIDC_AUDIENCE: "https://payments-${service.name}-42.asia-south1.run.app"`),
    );
  }
  t.regex(
    files.api!,
    /SERVICE_URLS: "status-checker=https:\/\/payments-status-checker-42\.asia-south1\.run\.app,refunds=/,
  );
});

test('the app webhook, when configured, goes only to the services that post to the app', (t) => {
  const { calls, files } = runDeploy({ APP_WEBHOOK_URL: 'https://app.example/payments' });
  for (const service of SERVICES) {
    const deploy = calls.find((c) => c.startsWith(`run deploy payments-${service.name} `))!;
    const posts = service.needs.includes('channels');
    t.is(deploy.includes('APP_WEBHOOK_SECRET=app-webhook-secret:latest'), posts, deploy);
    t.is(files[service.name]!.includes('APP_WEBHOOK_URL: "https://app.example/payments"'), posts);
  }
});

test('the gcloud list covers every service account, secret, index and binding; none needs a deployed service', (t) => {
  const { before, after } = gcloudCommands(resources, { projectNumber: '42' });
  for (const s of SERVICES) t.true(before.some((c) => c.includes(`service-accounts create payments-${s.name} `)));
  t.true(before.some((c) => c.includes('service-accounts create payments-pusher ')));
  t.true(before.some((c) => c.includes('service-accounts create payments-deployer ')));
  for (const secret of resources.secrets) t.true(before.some((c) => c.includes(`secrets create ${secret.id} `)));
  t.is(after.filter((c) => c.includes('indexes composite create')).length, resources.indexes.length);
  t.true(after.some((c) => c.includes('service-42@gcp-sa-pubsub.iam.gserviceaccount.com')));
  t.false([...before, ...after].some((c) => c.includes('run services')));
});

test('cloudbuild.yaml: install, test, build, push (commit tag), generated deploy, then the apply; project/region/environment substitutions', (t) => {
  const build = readFileSync(join(ROOT, 'cloudbuild.yaml'), 'utf8');
  const ids = [...build.matchAll(/^ {2}- id: ([a-z-]+)$/gm)].map((m) => m[1]);
  t.deepEqual(ids, ['install', 'test', 'build', 'push', 'project-number', 'deploy-script', 'deploy', 'infra-apply']);
  for (const sub of ['_PROJECT', '_REGION', '_ENVIRONMENT']) t.regex(build, new RegExp(`^ {2}${sub}: `, 'm'));
  t.regex(build, /_IMAGE: .*payments:\$\{COMMIT_SHA\}/);
  t.regex(build, /--deploy-script=\$\{_IMAGE\}/);
  t.regex(build, /"-f", "infra\/Dockerfile"/);
  // no hand-kept list of services to fall out of step with the catalogue
  for (const s of SERVICES) t.false(build.includes(`payments-${s.name}`) && s.name !== 'deployer', s.name);
  t.false(existsSync(join(ROOT, 'infra/setup.sh')));
});

test('the image runs the compiled entry point with plain node, production dependencies only, not as root', (t) => {
  const dockerfile = readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8');
  const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
  t.is(build.compilerOptions.outDir, 'dist');
  t.true(build.include.includes('services/google/main.ts'));
  t.regex(dockerfile, /CMD \["node", "dist\/services\/google\/main\.js"\]/);
  t.regex(dockerfile, /npm ci --omit=dev/);
  t.regex(dockerfile, /^USER node$/m);
  t.is((dockerfile.match(/^FROM /gm) ?? []).length, 3);
  t.false(dockerfile.includes('tsx'));
});
