import {
  type CloudRunServiceSpec,
  type IamBinding,
  KMS_KEY,
  KMS_KEY_RING,
  PROJECT_NUMBER,
  type Resources,
} from './resources.ts';

/**
 * What the `@google-cloud/*` clients of this project cannot do (APIs, Artifact Registry, Firestore, service accounts,
 * IAM, secrets, Firestore indexes and TTL, Cloud Run), as exact `gcloud` commands. Each is safe to run again: create
 * commands answer ALREADY_EXISTS, bindings are set-like. `before` must run before the client-managed resources and the
 * deploy (identities, secrets, the database), `after` once queues, topics and subscriptions exist (bindings on them).
 */

/** Shell quoting for one argument (only when needed, so the printed commands stay readable). */
export function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function command(args: readonly string[]): string {
  return args.map((a) => (a.includes('$(') ? `"${a}"` : quote(a))).join(' ');
}

/** The project number, or a shell substitution that looks it up. */
function projectNumber(resources: Resources, known?: string): string {
  return known ?? `$(gcloud projects describe ${resources.project} --format=value\\(projectNumber\\))`;
}

function binding(b: IamBinding, resources: Resources, number: string): string {
  const p = `--project=${resources.project}`;
  const member = `--member=${b.member.replace(PROJECT_NUMBER, number)}`;
  const role = `--role=${b.role}`;
  switch (b.on.kind) {
    case 'project':
      return command([
        'gcloud',
        'projects',
        'add-iam-policy-binding',
        resources.project,
        member,
        role,
        '--condition=None',
      ]);
    case 'topic':
      return command(['gcloud', 'pubsub', 'topics', 'add-iam-policy-binding', b.on.name, member, role, p]);
    case 'subscription':
      return command(['gcloud', 'pubsub', 'subscriptions', 'add-iam-policy-binding', b.on.name, member, role, p]);
    case 'secret':
      return command(['gcloud', 'secrets', 'add-iam-policy-binding', b.on.name, member, role, p]);
    case 'service-account':
      return command(['gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', b.on.name, member, role, p]);
    case 'queue':
      return command([
        'gcloud',
        'tasks',
        'queues',
        'add-iam-policy-binding',
        b.on.name,
        `--location=${resources.region}`,
        member,
        role,
        p,
      ]);
    case 'run-service':
      return command([
        'gcloud',
        'run',
        'services',
        'add-iam-policy-binding',
        b.on.name,
        `--region=${resources.region}`,
        member,
        role,
        p,
      ]);
  }
}

export interface GcloudPlan {
  /** Before the client-managed resources and the first deploy. */
  readonly before: readonly string[];
  /** Once queues, topics and subscriptions exist. */
  readonly after: readonly string[];
}

export function gcloudCommands(resources: Resources, options: { projectNumber?: string } = {}): GcloudPlan {
  const { project, region } = resources;
  const p = `--project=${project}`;
  const number = projectNumber(resources, options.projectNumber);
  const before = [
    command(['gcloud', 'services', 'enable', ...resources.apis, p]),
    command([
      'gcloud',
      'artifacts',
      'repositories',
      'create',
      resources.artifactRepository,
      '--repository-format=docker',
      `--location=${region}`,
      p,
    ]),
    command(['gcloud', 'firestore', 'databases', 'create', `--location=${region}`, '--type=firestore-native', p]),
    ...resources.serviceAccounts.map((sa) =>
      command(['gcloud', 'iam', 'service-accounts', 'create', sa.id, `--display-name=${sa.displayName}`, p]),
    ),
    ...resources.secrets.map((s) =>
      command(['gcloud', 'secrets', 'create', s.id, '--replication-policy=automatic', p]),
    ),
    command(['gcloud', 'kms', 'keyrings', 'create', KMS_KEY_RING, `--location=${region}`, p]),
    command([
      'gcloud',
      'kms',
      'keys',
      'create',
      KMS_KEY,
      `--keyring=${KMS_KEY_RING}`,
      `--location=${region}`,
      '--purpose=encryption',
      p,
    ]),
  ];
  const after = [
    ...resources.indexes.map((index) =>
      command([
        'gcloud',
        'firestore',
        'indexes',
        'composite',
        'create',
        `--collection-group=${index.collectionGroup}`,
        `--query-scope=${index.queryScope}`,
        ...index.fields.map(
          (f) =>
            `--field-config=field-path=${f.fieldPath},${
              f.order ? `order=${f.order.toLowerCase()}` : `array-config=${(f.arrayConfig ?? '').toLowerCase()}`
            }`,
        ),
        '--async',
        p,
      ]),
    ),
    ...resources.ttlPolicies.map((ttl) =>
      command([
        'gcloud',
        'firestore',
        'fields',
        'ttls',
        'update',
        ttl.field,
        `--collection-group=${ttl.collectionGroup}`,
        '--enable-ttl',
        '--async',
        p,
      ]),
    ),
    // bindings on Cloud Run services need the service: the deploy grants those (cloudRunDeploy)
    ...resources.iam.filter((b) => b.on.kind !== 'run-service').map((b) => binding(b, resources, number)),
  ];
  return { before, after };
}

/** Whether a failed gcloud create only said the resource is there already. */
export function alreadyExists(output: string): boolean {
  return /ALREADY_EXISTS|already exists/i.test(output);
}

/**
 * The deploy of one service: `gcloud run deploy` with its own account, ingress, sizing, secrets and settings (the
 * environment's file plus what is this service's own), then the push account's invoker grant on private services.
 * `envFile` is the environment's non-secret settings (infra/env/<environment>.yaml).
 */
export function cloudRunDeploy(
  run: CloudRunServiceSpec,
  resources: Resources,
  options: { readonly image: string; readonly envFile: string; readonly environment: string },
): string[] {
  const own = `.deploy/${run.service}.env.yaml`;
  const yaml = Object.entries(run.env).map(([k, v]) => quote(`${k}: ${JSON.stringify(v)}`));
  const secrets = run.secrets.filter((s) => !s.optional).map((s) => `${s.env}=${s.id}:latest`);
  const optional = run.secrets.filter((s) => s.optional);
  return [
    `# ${run.service}: ${run.public ? 'public: authenticates each request itself' : 'internal: OIDC token of the push account only'}`,
    `SECRETS=${quote(secrets.join(','))}`,
    `{ cat ${quote(options.envFile)}; printf '%s\\n' ${yaml.join(' ')}; } > ${own}`,
    // the app webhook is optional: its URL and secret go only to the services that post to the app
    ...optional.map(
      (s) =>
        `if [ -n "\${APP_WEBHOOK_URL:-}" ]; then printf 'APP_WEBHOOK_URL: "%s"\\n' "$APP_WEBHOOK_URL" >> ${own}; SECRETS="\${SECRETS:+$SECRETS,}${s.env}=${s.id}:latest"; fi`,
    ),
    `${command([
      'gcloud',
      'run',
      'deploy',
      run.name,
      `--image=${options.image}`,
      `--region=${resources.region}`,
      `--project=${resources.project}`,
      `--service-account=${run.serviceAccount}`,
      run.public ? '--ingress=all' : '--ingress=internal',
      run.public ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      `--concurrency=${run.concurrency}`,
      `--min-instances=${run.minInstances}`,
      `--max-instances=${run.maxInstances}`,
      '--cpu=1',
      '--memory=512Mi',
      '--timeout=60s',
      '--cpu-boost',
      `--env-vars-file=${own}`,
      `--labels=app=payments,environment=${options.environment},service=${run.service}`,
    ])} "$([ -n "$SECRETS" ] && echo "--set-secrets=$SECRETS" || echo --clear-secrets)"`,
    ...resources.iam
      .filter((b) => b.on.kind === 'run-service' && b.on.name === run.name)
      .map((b) => `${binding(b, resources, '')} >/dev/null`),
  ];
}

/** The whole deploy script: every catalogue service, from resources.cloudRun. */
export function deployScript(
  resources: Resources,
  options: { readonly image: string; readonly envFile: string; readonly environment: string },
): string {
  return [
    '#!/usr/bin/env bash',
    '# Generated by `npm run infra:apply -- --deploy-script` from the service catalogue; do not edit.',
    'set -euo pipefail',
    'mkdir -p .deploy',
    ...resources.cloudRun.flatMap((run) => cloudRunDeploy(run, resources, options)),
    '',
  ].join('\n');
}
