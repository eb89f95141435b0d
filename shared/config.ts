import * as v from 'valibot';

/**
 * All configuration, parsed once at start from the environment. Nothing else reads `process.env`.
 * `RUNTIME=embedded` (the default) needs nothing set; `RUNTIME=google` requires the Google Cloud keys and says which
 * are missing.
 */
const int = (fallback: number, min = 0) =>
  v.pipe(v.optional(v.string(), String(fallback)), v.transform(Number), v.number(), v.integer(), v.minValue(min));
const optionalText = v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)));
const url = v.optional(v.pipe(v.string(), v.url()));
const bool = (fallback: boolean) =>
  v.pipe(
    v.optional(v.picklist(['true', 'false', '1', '0']), fallback ? 'true' : 'false'),
    v.transform((s) => s === 'true' || s === '1'),
  );

const EnvSchema = v.object({
  // embedded: every service and the sandbox gateway in one process on in-memory adapters. google: Google Cloud adapters.
  RUNTIME: v.optional(v.picklist(['embedded', 'google']), 'embedded'),
  // Which service this process runs when RUNTIME=google (each Cloud Run service sets its own).
  SERVICE: v.optional(
    v.picklist(['api', 'webhooks', 'status-checker', 'notifier', 'fulfillment', 'refunds', 'sandbox-gateway']),
  ),
  // Port to listen on; Cloud Run sets it.
  PORT: int(8080, 0),
  // The URL the outside world reaches this deployment at (checkout links, webhook URL printed at start).
  PUBLIC_BASE_URL: url,
  // Seconds between two status checks of a payment that is not terminal (Cloud Tasks delay).
  STATUS_CHECK_INTERVAL_SECONDS: int(900, 1),
  // Seconds after creation at which an unpaid order expires.
  PAYMENT_MAX_AGE_SECONDS: int(172_800, 1),
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
  // DEBUG, INFO, WARNING or ERROR: the lowest severity written.
  LOG_LEVEL: v.optional(v.picklist(['DEBUG', 'INFO', 'WARNING', 'ERROR']), 'INFO'),

  // Razorpay key id (public, given to the checkout). Embedded default: a sandbox key.
  RAZORPAY_KEY_ID: optionalText,
  // Razorpay key secret (Basic auth and checkout signatures). Secret Manager in production.
  RAZORPAY_KEY_SECRET: optionalText,
  // Secret Razorpay signs webhooks with (X-Razorpay-Signature).
  RAZORPAY_WEBHOOK_SECRET: optionalText,
  // Razorpay API base URL; points at the sandbox gateway locally.
  RAZORPAY_BASE_URL: url,
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

  // Service-to-service pushes (Cloud Tasks, Pub/Sub): the OIDC issuer, audience and JWKS their tokens are checked
  // against, and the service account email they must carry. PUSH_AUTH=none only for emulators that send no token.
  PUSH_AUTH: v.optional(v.picklist(['oidc', 'none']), 'oidc'),
  PUSH_OIDC_ISSUER: v.optional(v.pipe(v.string(), v.minLength(1)), 'https://accounts.google.com'),
  PUSH_OIDC_JWKS_URL: v.optional(v.pipe(v.string(), v.url()), 'https://www.googleapis.com/oauth2/v3/certs'),
  PUSH_OIDC_AUDIENCE: optionalText,
  PUSH_SERVICE_ACCOUNT: optionalText,

  // Google Cloud project; the emulators accept any id.
  GOOGLE_CLOUD_PROJECT: optionalText,
  // Cloud Tasks location and queue for payment status checks.
  TASKS_LOCATION: v.optional(v.pipe(v.string(), v.minLength(1)), 'asia-south1'),
  TASKS_STATUS_QUEUE: v.optional(v.pipe(v.string(), v.minLength(1)), 'status-checks'),
  // host:port of the project's Cloud Tasks emulator; when set the client talks plaintext gRPC to it.
  CLOUD_TASKS_EMULATOR_HOST: optionalText,
  // Service account whose OIDC token Cloud Tasks attaches to each task.
  TASKS_SERVICE_ACCOUNT: optionalText,
  // Base URL of the status-checker service (Cloud Tasks' HTTP target).
  STATUS_CHECKER_URL: url,
  // Base URLs of the refunds and notifier services (targets of refund checks and notification deliveries).
  REFUNDS_URL: url,
  NOTIFIER_URL: url,
  // Cloud Tasks queues for refund checks and app-webhook deliveries.
  TASKS_REFUND_QUEUE: v.optional(v.pipe(v.string(), v.minLength(1)), 'refund-checks'),
  TASKS_DELIVERY_QUEUE: v.optional(v.pipe(v.string(), v.minLength(1)), 'notification-deliveries'),
  // Pub/Sub topic for payment events.
  PAYMENT_EVENTS_TOPIC: v.optional(v.pipe(v.string(), v.minLength(1)), 'payment-events'),
  // Standard emulator variables; the Google clients read them themselves, we only check they are coherent.
  FIRESTORE_EMULATOR_HOST: optionalText,
  PUBSUB_EMULATOR_HOST: optionalText,
  // Seconds between outbox sweeps that republish events whose publish failed after commit.
  OUTBOX_SWEEP_SECONDS: int(10, 1),
  // Print the README's walk-through at start (embedded).
  PRINT_WALKTHROUGH: bool(true),
});

export type Config = v.InferOutput<typeof EnvSchema>;

const REQUIRED_ON_GOOGLE = [
  'GOOGLE_CLOUD_PROJECT',
  'RAZORPAY_KEY_ID',
  'RAZORPAY_KEY_SECRET',
  'RAZORPAY_WEBHOOK_SECRET',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_JWKS_URL',
  'STATUS_CHECKER_URL',
  'REFUNDS_URL',
  'NOTIFIER_URL',
  'SERVICE',
] as const satisfies readonly (keyof Config)[];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.entries).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = v.safeParse(EnvSchema, picked);
  if (!parsed.success) {
    const problems = parsed.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.output;
  if ((config.APP_WEBHOOK_URL === undefined) !== (config.APP_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('APP_WEBHOOK_URL and APP_WEBHOOK_SECRET go together: set both or neither');
  }
  if (config.RUNTIME === 'google') {
    const missing = REQUIRED_ON_GOOGLE.filter((k) => config[k] === undefined);
    if (config.PUSH_AUTH === 'oidc' && !config.PUSH_OIDC_AUDIENCE) missing.push('PUSH_OIDC_AUDIENCE' as never);
    if (missing.length > 0) throw new ConfigError(`RUNTIME=google needs: ${missing.join(', ')}`);
  }
  return config;
}
