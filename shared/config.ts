import * as v from 'valibot';

/**
 * All configuration, parsed once at start from the environment. Nothing else reads `process.env`, and every default
 * lives here. `RUNTIME` is the variant: `embedded` (the default) needs nothing set; `google` requires what every Cloud
 * Run service needs, with non-optional types, and each service then demands the sections of the keys it uses
 * (`razorpayKeys`, `customerAuth`, …), so the notifier, say, starts without a Razorpay secret.
 */
const int = (fallback: number, min = 0) =>
  v.pipe(v.optional(v.string(), String(fallback)), v.transform(Number), v.number(), v.integer(), v.minValue(min));
const text = v.pipe(v.string(), v.trim(), v.minLength(1));
const optionalText = v.optional(text);
const url = v.optional(v.pipe(v.string(), v.url()));
const bool = (fallback: boolean) =>
  v.pipe(
    v.optional(v.picklist(['true', 'false', '1', '0']), fallback ? 'true' : 'false'),
    v.transform((s) => s === 'true' || s === '1'),
  );
const SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
const LOWER_SEVERITIES: Readonly<Record<string, (typeof SEVERITIES)[number]>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  warning: 'WARNING',
  error: 'ERROR',
};
/** `name=url` pairs, comma separated. */
const urlMap = v.optional(
  v.pipe(
    v.string(),
    v.transform((s) =>
      s
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
    ),
    v.check(
      (pairs) => pairs.every(([name, target]) => /^[a-z][a-z0-9-]*$/.test(name) && URL.canParse(target)),
      'expected name=https://… pairs, comma separated',
    ),
    v.transform((pairs) => new Map(pairs)),
  ),
  '',
);

const Common = {
  // Port to listen on; Cloud Run sets it.
  PORT: int(8080, 0),
  // The URL the outside world reaches this deployment at (checkout links, webhook URL printed at start).
  PUBLIC_BASE_URL: url,
  // Seconds between two status checks of a payment that is not terminal (Cloud Tasks delay).
  STATUS_CHECK_INTERVAL_SECONDS: int(900, 1),
  // Seconds after creation at which an unpaid order expires.
  PAYMENT_MAX_AGE_SECONDS: int(172_800, 1),
  // Age (seconds) after which an unpaid order's checks back off: until then every STATUS_CHECK_INTERVAL_SECONDS (the
  // 15-minute promise), after it each gap grows with the order's age up to 4 h, and one check lands at expiry. The
  // default, 2 h, cuts an abandoned order's 192 checks over 48 h to about 24; 0 never backs off.
  STATUS_CHECK_BACKOFF_AFTER_SECONDS: int(7200, 0),
  // Seconds between two checks of a refund the gateway still has pending.
  REFUND_CHECK_INTERVAL_SECONDS: int(900, 1),
  // Failed attempts (across redeliveries) after which a transient failure, e.g. crediting an account, is permanent.
  MAX_TRANSIENT_ATTEMPTS: int(5, 1),
  // The app backend's endpoint for signed notification webhooks, and the secret they are signed with (both or none).
  APP_WEBHOOK_URL: url,
  APP_WEBHOOK_SECRET: v.optional(v.pipe(v.string(), v.minLength(16, 'APP_WEBHOOK_SECRET: at least 16 characters'))),
  // Operator API keys as `role:key` pairs, comma separated (roles: support, finance; keys ≥ 16 characters).
  // Only their SHA-256 is kept in memory. The embedded default makes and prints a development key when unset.
  OPERATOR_API_KEYS: optionalText,
  // Largest accepted request body in bytes.
  BODY_LIMIT_BYTES: int(64 * 1024, 1024),
  // The lowest severity written: DEBUG, INFO, WARNING or ERROR (or debug, info, warn, error).
  LOG_LEVEL: v.pipe(
    v.optional(v.string(), 'INFO'),
    v.transform((s) => LOWER_SEVERITIES[s] ?? s),
    v.picklist(SEVERITIES, 'LOG_LEVEL: one of DEBUG, INFO, WARNING, ERROR (or debug, info, warn, error)'),
  ),
  // How log lines look: `json` (one Cloud Logging object per line) or `pretty` (one short line per event, for
  // people at a terminal). Unset: pretty when stdout is a terminal, JSON otherwise (Cloud Run, pipes, files).
  LOG_FORMAT: v.optional(v.picklist(['json', 'pretty'], 'LOG_FORMAT: json or pretty')),
  // Cron schedule (unix-cron, in SCHEDULER_TIME_ZONE) of the Cloud Scheduler job that republishes events whose
  // publish failed after commit. Each commit publishes at once; the sweep only catches what a crash left behind.
  OUTBOX_SWEEP_SCHEDULE: v.optional(text, '* * * * *'),
  // Time zone of the scheduled jobs.
  SCHEDULER_TIME_ZONE: v.optional(text, 'Asia/Kolkata'),
  // Cron schedule (in SCHEDULER_TIME_ZONE) of the nightly reconciliation job: after midnight, for the day before.
  RECONCILIATION_SCHEDULE: v.optional(text, '30 0 * * *'),
  // The time zone a business day is a calendar day of, for reconciliation.
  BUSINESS_TIME_ZONE: v.optional(text, 'Asia/Kolkata'),
  // Status checks a reconciliation runs at once.
  RECONCILIATION_CONCURRENCY: int(8, 1),
  // Gateway calls a reconciliation starts per second at most (Razorpay rate-limits per key; live traffic shares it).
  RECONCILIATION_GATEWAY_RPS: int(25, 1),
  // Seconds a reconciliation holds its day without renewing; a killed run's day is free again after this.
  RECONCILIATION_LEASE_SECONDS: int(300, 10),

  // Razorpay key id (public, given to the checkout). Embedded default: a sandbox key.
  RAZORPAY_KEY_ID: optionalText,
  // Razorpay key secret (Basic auth and checkout signatures). Secret Manager in production.
  RAZORPAY_KEY_SECRET: optionalText,
  // Secret Razorpay signs webhooks with (X-Razorpay-Signature).
  RAZORPAY_WEBHOOK_SECRET: optionalText,
  // Razorpay API base URL; points at the sandbox gateway locally.
  RAZORPAY_BASE_URL: v.optional(v.pipe(v.string(), v.url()), 'https://api.razorpay.com'),
  // Where the sandbox gateway, run on its own, POSTs its webhooks (the webhooks service's Razorpay endpoint).
  // Unset: it sends none. Read only by services/sandbox-gateway/server.ts.
  SANDBOX_WEBHOOK_URL: url,
  // Base of a hosted checkout page (`<base>/<gatewayOrderId>`) handed to the app; unset where the app opens the
  // gateway's SDK itself. The embedded default points it at the sandbox's checkout page.
  CHECKOUT_URL_BASE: url,

  // Customer JWTs: expected issuer, audience, and where the issuer's JWKS is published. Unset in embedded mode,
  // where the stack is its own issuer.
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_JWKS_URL: url,

  // Service-to-service pushes (Cloud Tasks, Pub/Sub, Cloud Scheduler): the OIDC issuer and JWKS their tokens are
  // checked against. PUSH_AUTH=none only for the Pub/Sub emulator, which sends no token.
  PUSH_AUTH: v.optional(v.picklist(['oidc', 'none']), 'oidc'),
  PUSH_OIDC_ISSUER: v.optional(text, 'https://accounts.google.com'),
  PUSH_OIDC_JWKS_URL: v.optional(v.pipe(v.string(), v.url()), 'https://www.googleapis.com/oauth2/v3/certs'),

  // Cloud Tasks location and queue ids, per product queue.
  TASKS_LOCATION: v.optional(text, 'asia-south1'),
  TASKS_STATUS_QUEUE: v.optional(text, 'status-checks'),
  TASKS_REFUND_QUEUE: v.optional(text, 'refund-checks'),
  TASKS_DELIVERY_QUEUE: v.optional(text, 'notification-deliveries'),
  TASKS_RECONCILIATION_QUEUE: v.optional(text, 'reconciliations'),
  // host:port of the project's Cloud Tasks (and Cloud Scheduler) emulator; when set the clients talk plaintext gRPC.
  CLOUD_TASKS_EMULATOR_HOST: optionalText,
  // Service account whose OIDC token Cloud Tasks attaches to each task.
  TASKS_SERVICE_ACCOUNT: optionalText,
  // The services' own URLs as `name=url` pairs (e.g. `status-checker=https://…,refunds=https://…`): where tasks are
  // sent. Only the services that receive tasks need to be listed, and only services that enqueue read it.
  SERVICE_URLS: urlMap,
  // Pub/Sub topic for payment events.
  PAYMENT_EVENTS_TOPIC: v.optional(text, 'payment-events'),
  // Standard emulator variables; the Google clients read them themselves.
  FIRESTORE_EMULATOR_HOST: optionalText,
  PUBSUB_EMULATOR_HOST: optionalText,
  // Envelope encryption of payment information at rest. Cloud KMS CryptoKey wrapping the per-record data keys
  // (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`), or a local key file (created 0600 when missing) for
  // the embedded default and the emulators; Google Cloud without the emulators accepts only KMS.
  KMS_KEY_NAME: v.optional(
    v.pipe(
      text,
      v.regex(
        /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
        'KMS_KEY_NAME: projects/…/cryptoKeys/<key>',
      ),
    ),
  ),
  LOCAL_KEY_FILE: optionalText,

  // Customer and push tokens: the longest lifetime (exp - iat) accepted, and the clock skew allowed on exp/iat/nbf.
  TOKEN_MAX_LIFETIME_SECONDS: int(86_400, 60),
  TOKEN_CLOCK_SKEW_SECONDS: int(30, 0),
  // The webhook secret being rotated out: during a rotation window a signature under either secret verifies.
  RAZORPAY_WEBHOOK_SECRET_PREVIOUS: optionalText,
  // A webhook whose event was created longer ago than this is acknowledged but not applied (a replay); the status
  // check settles the payment instead.
  WEBHOOK_TOLERANCE_SECONDS: int(86_400, 60),

  // Abuse limits, per minute: requests per customer (by token subject) and per client IP on the public API, and per
  // operator key on operator routes. Over the limit: 429 with Retry-After.
  RATE_LIMIT_CUSTOMER_PER_MINUTE: int(120, 1),
  RATE_LIMIT_IP_PER_MINUTE: int(600, 1),
  RATE_LIMIT_OPERATOR_PER_MINUTE: int(120, 1),
  // Requests refused as unauthenticated per client IP and minute; past it every request from that IP gets 429 until
  // the minute is over (token and operator key guessing).
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: int(30, 1),
  // Orders a customer may have open (created or processing) at once; one more is refused with 429.
  MAX_OPEN_ORDERS_PER_CUSTOMER: int(20, 1),
  // Browser origins allowed to call the public API (CORS), comma separated; none by default.
  CORS_ORIGINS: v.pipe(
    v.optional(v.string(), ''),
    v.transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
    v.check(
      (origins) => origins.every((o) => URL.canParse(o) && new URL(o).origin === o),
      'CORS_ORIGINS: origins such as https://app.example.com',
    ),
  ),

  // Print the README's walk-through at start (embedded).
  PRINT_WALKTHROUGH: bool(true),
};

const EmbeddedSchema = v.object({
  // embedded: every service and the sandbox gateway in one process on in-memory adapters. google: Google Cloud.
  RUNTIME: v.literal('embedded'),
  ...Common,
  // The interface to listen on: this machine only, unless told otherwise (the stack has development surfaces).
  HOST: v.optional(text, '127.0.0.1'),
});

const GoogleSchema = v.object({
  RUNTIME: v.literal('google'),
  ...Common,
  // The interface to listen on: Cloud Run sends traffic to every interface of the container.
  HOST: v.optional(text, '0.0.0.0'),
  // Which service of the catalogue this process runs (each Cloud Run service sets its own).
  SERVICE: v.pipe(text, v.regex(/^[a-z][a-z0-9-]*$/, 'SERVICE: a service name such as api or notifier')),
  // Google Cloud project; the emulators accept any id.
  GOOGLE_CLOUD_PROJECT: text,
  // The audience push tokens must carry: this service's own URL (Cloud Tasks, Pub/Sub and Scheduler sign for it).
  PUSH_OIDC_AUDIENCE: text,
  // The service account push tokens must name: anything else Google signs for this audience is refused.
  PUSH_SERVICE_ACCOUNT: text,
});

const EnvSchema = v.variant('RUNTIME', [EmbeddedSchema, GoogleSchema], 'RUNTIME: embedded or google');

export type Config = v.InferOutput<typeof EnvSchema>;
export type EmbeddedConfig = v.InferOutput<typeof EmbeddedSchema>;
export type GoogleConfig = v.InferOutput<typeof GoogleSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KEYS = new Set(['RUNTIME', ...Object.keys(GoogleSchema.entries)]);

function problems(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.map((i) => `${v.getDotPath(i) ?? 'RUNTIME'}: ${i.message}`).join('; ');
}

/** Parses the environment; throws a ConfigError naming every key that is missing or wrong. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const picked: Record<string, string> = { RUNTIME: 'embedded' };
  for (const [k, value] of Object.entries(env))
    if (KEYS.has(k) && value !== undefined && value !== '') picked[k] = value;
  const parsed = v.safeParse(EnvSchema, picked);
  if (!parsed.success) {
    const missing = parsed.issues.filter((i) => i.input === undefined).map((i) => v.getDotPath(i));
    throw new ConfigError(
      missing.length === parsed.issues.length
        ? `RUNTIME=${picked.RUNTIME} needs: ${missing.join(', ')}`
        : `invalid configuration: ${problems(parsed.issues)}`,
    );
  }
  const config = parsed.output;
  if ((config.APP_WEBHOOK_URL === undefined) !== (config.APP_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('APP_WEBHOOK_URL and APP_WEBHOOK_SECRET go together: set both or neither');
  }
  return config;
}

/** Parses the Google variant; the embedded one is a ConfigError here. */
export function loadGoogleConfig(env: Readonly<Record<string, string | undefined>>): GoogleConfig {
  const config = loadConfig({ ...env, RUNTIME: env.RUNTIME ?? 'google' });
  if (config.RUNTIME !== 'google') throw new ConfigError('RUNTIME must be google here');
  return config;
}

const RazorpayKeys = v.object({ RAZORPAY_KEY_ID: text, RAZORPAY_KEY_SECRET: text, RAZORPAY_WEBHOOK_SECRET: text });
const CustomerAuth = v.object({ AUTH_ISSUER: text, AUTH_AUDIENCE: text, AUTH_JWKS_URL: v.pipe(v.string(), v.url()) });

function section<S extends v.GenericSchema>(schema: S, config: Config, who: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, config);
  if (parsed.success) return parsed.output;
  const missing = parsed.issues.map((i) => v.getDotPath(i) ?? '?');
  throw new ConfigError(`${who} needs: ${[...new Set(missing)].join(', ')}`);
}

/** The Razorpay keys, for the services that talk to the gateway or check its signatures. */
export function razorpayKeys(config: Config, who: string): v.InferOutput<typeof RazorpayKeys> {
  return section(RazorpayKeys, config, who);
}

/** The customer token issuer, for the service that authenticates customers. */
export function customerAuth(config: Config, who: string): v.InferOutput<typeof CustomerAuth> {
  return section(CustomerAuth, config, who);
}

/** Where the key-encryption key lives: Cloud KMS, or a local key file (embedded default, or next to the emulators). */
export type KeyEncryptionSetting = { readonly kms: string } | { readonly file: string };

/** The key-encryption key setting, for the services that store payment information in Firestore. */
export function keyEncryption(config: Config, who: string): KeyEncryptionSetting {
  if (config.KMS_KEY_NAME) return { kms: config.KMS_KEY_NAME };
  if (config.RUNTIME === 'embedded') return { file: config.LOCAL_KEY_FILE ?? '.keys/payments-kek.json' };
  if (config.LOCAL_KEY_FILE && config.FIRESTORE_EMULATOR_HOST) return { file: config.LOCAL_KEY_FILE };
  throw new ConfigError(
    `${who} needs KMS_KEY_NAME (LOCAL_KEY_FILE is accepted only with FIRESTORE_EMULATOR_HOST, on the emulators)`,
  );
}

/** The public API's abuse limits, as the services take them. */
export function abuseLimits(config: Config): {
  ipPerMinute: number;
  customerPerMinute: number;
  operatorPerMinute: number;
  authFailuresPerMinute: number;
  maxOpenOrdersPerCustomer: number;
} {
  return {
    ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
    customerPerMinute: config.RATE_LIMIT_CUSTOMER_PER_MINUTE,
    operatorPerMinute: config.RATE_LIMIT_OPERATOR_PER_MINUTE,
    authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    maxOpenOrdersPerCustomer: config.MAX_OPEN_ORDERS_PER_CUSTOMER,
  };
}

/** The URL of a service that receives tasks, from SERVICE_URLS. */
export function serviceUrl(config: Config, service: string, who: string): string {
  const found = config.SERVICE_URLS.get(service);
  if (!found) throw new ConfigError(`${who} needs SERVICE_URLS to name ${service}`);
  return found;
}
