import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { NOTIFICATION_STEPS } from '../../shared/domain/notification.ts';
import {
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  REFUND_TRIGGERS,
  TRANSITION_SOURCES,
} from '../../shared/domain/payment-types.ts';
import {
  AppWebhookPayloadSchema,
  MoneySchema,
  NotificationSchema,
  OrderId,
  ReconciliationWebhookPayloadSchema,
} from '../../shared/http/schemas.ts';
import { ReportQuery, RunId, RunsQuery, StartBody } from './reconciliation-routes.ts';
import {
  AuditQuery,
  ConfirmBody,
  CreateOrderBody,
  CustomerIdParam,
  DeliveriesQuery,
  FeedQuery,
  IdempotencyKey,
  IssuesQuery,
  LastEventId,
  ListQuery,
  ReasonBody,
  RefundBody,
} from './schemas.ts';

// Response shapes, for the reader of the document. The request schemas are the routes' own (./schemas.ts).
const Money = MoneySchema;
const Iso = v.pipe(v.string(), v.isoTimestamp());

const Problem = v.pipe(
  v.object({
    type: v.pipe(
      v.string(),
      v.description('A stable URI per kind of error, e.g. https://errors.payments.dev/validation.'),
    ),
    title: v.string(),
    status: v.number(),
    detail: v.pipe(v.string(), v.description('What went wrong, in plain words.')),
    instance: v.optional(v.string()),
    errors: v.optional(
      v.pipe(
        v.array(
          v.object({
            path: v.pipe(
              v.string(),
              v.description('The invalid field: `amount`, `notes.plan`, `query: limit`, `header: Idempotency-Key`.'),
            ),
            message: v.pipe(v.string(), v.description('What is wrong with it, in plain words.')),
          }),
        ),
        v.description('One entry per invalid field (validation errors only).'),
      ),
    ),
  }),
  v.description('RFC 9457 problem details, served as application/problem+json.'),
);

const TimelineEntry = v.object({
  at: Iso,
  source: v.picklist(TRANSITION_SOURCES),
  kind: v.picklist(['transition', 'late-success', 'amount-mismatch']),
  from: v.nullable(v.picklist(PAYMENT_STATUSES)),
  to: v.picklist(PAYMENT_STATUSES),
  paymentId: v.optional(v.string()),
  detail: v.optional(v.string()),
});

const Refund = v.object({
  id: v.string(),
  paymentId: v.string(),
  amount: Money,
  reason: v.string(),
  trigger: v.picklist(REFUND_TRIGGERS),
  status: v.picklist(REFUND_STATUSES),
  gatewayRefundId: v.nullable(v.string()),
  failureReason: v.nullable(v.string()),
  createdAt: Iso,
  updatedAt: Iso,
});

const Order = v.object({
  id: OrderId,
  status: v.picklist(PAYMENT_STATUSES),
  amount: Money,
  description: v.nullable(v.string()),
  notes: v.record(v.string(), v.string()),
  gateway: v.object({ name: v.literal('razorpay'), orderId: v.nullable(v.string()) }),
  paymentId: v.nullable(v.string()),
  flags: v.array(v.picklist(['late-success', 'amount-mismatch', 'refund-required', 'credit-failed'])),
  captures: v.array(v.object({ paymentId: v.string(), amount: Money, accepted: v.boolean(), at: Iso })),
  refunds: v.array(Refund),
  refundedAmount: Money,
  createdAt: Iso,
  updatedAt: Iso,
  timeline: v.array(TimelineEntry),
});

const CreatedOrder = v.object({
  ...Order.entries,
  checkout: v.pipe(
    v.object({
      gateway: v.literal('razorpay'),
      keyId: v.string(),
      gatewayOrderId: v.string(),
      checkoutUrl: v.nullable(v.string()),
    }),
    v.description("What the app opens Razorpay's checkout with (`key`, `order_id`)."),
  ),
});

const page = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });

const Account = v.object({
  customerId: v.string(),
  status: v.picklist(['open', 'closed']),
  balance: Money,
  entryCount: v.number(),
  updatedAt: v.nullable(Iso),
});

const LedgerEntry = v.looseObject({
  id: v.string(),
  kind: v.picklist(['credit', 'debit']),
  orderId: v.string(),
  amount: Money,
  balanceAfter: v.number(),
  createdAt: Iso,
});

const Delivery = v.object({
  id: v.string(),
  notificationId: v.string(),
  orderId: v.nullable(v.string()),
  customerId: v.nullable(v.string()),
  channel: v.string(),
  target: v.string(),
  state: v.picklist(['pending', 'delivered']),
  attempts: v.array(
    v.object({ at: Iso, status: v.nullable(v.number()), ok: v.boolean(), error: v.nullable(v.string()) }),
  ),
  updatedAt: Iso,
});

/** An app webhook: signed, retried until acknowledged. */
function appWebhook(summary: string, payload: v.GenericSchema) {
  return {
    post: {
      summary,
      description:
        'Signed: `X-Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with ' +
        'APP_WEBHOOK_SECRET. Retried with backoff until the backend answers 2xx.',
      parameters: [{ name: 'X-Payments-Signature', in: 'header', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(payload) } } },
      responses: { '2XX': { description: 'Delivered; any other answer is retried.' } },
    },
  };
}

const StreamEvent = v.pipe(
  v.object({
    id: v.pipe(v.number(), v.description('The index of the timeline entry; also the SSE event id.')),
    orderId: OrderId,
    status: v.pipe(v.picklist(PAYMENT_STATUSES), v.description('The status once this entry happened.')),
    entry: TimelineEntry,
  }),
  v.description(
    'The `data` of each `status` event. The first event is the current status; one follows each timeline entry. ' +
      'The stream ends after a final status (succeeded, failed, expired); `: heartbeat` comments keep it open.',
  ),
);

type Auth = 'customer' | 'support' | 'finance' | 'none';

interface Operation {
  readonly method: 'get' | 'post';
  /** As Hono writes it (`/v1/orders/:id`). */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: Auth;
  readonly params?: Readonly<Record<string, v.GenericSchema>>;
  readonly query?: v.ObjectSchema<v.ObjectEntries, undefined> | v.StrictObjectSchema<v.ObjectEntries, undefined>;
  readonly headers?: Readonly<Record<string, { readonly schema: v.GenericSchema; readonly required: boolean }>>;
  readonly body?: v.GenericSchema;
  readonly ok: { readonly status: number; readonly description: string; readonly schema?: v.GenericSchema };
  /** The problem statuses this route answers besides those its authentication adds. */
  readonly errors: readonly number[];
  readonly contentType?: string;
}

const ORDER_ID = { id: v.pipe(OrderId, v.description('Our order id (`ord_…`).')) };
const IDEMPOTENCY = { 'Idempotency-Key': { schema: IdempotencyKey, required: true } };

/**
 * Every route the api service serves, with the schemas it validates with. services/api/openapi.test.ts fails when the
 * app has a route this list lacks.
 */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/orders',
    tag: 'Orders',
    summary: 'Create an order (the user pressed "pay")',
    description:
      'Creates the order and the gateway order, and answers with what the checkout needs. `Idempotency-Key` is ' +
      'required: a retried request with the same key and body returns the same order (201, ' +
      '`Idempotency-Replayed: true`), so a retry never makes a second order; the same key with another body is a 409, ' +
      'as is a customer with too many open orders. Card data (a card number in the description or notes, a `cvv` ' +
      "note) is refused: the gateway's checkout collects it.",
    auth: 'customer',
    headers: IDEMPOTENCY,
    body: CreateOrderBody,
    ok: { status: 201, description: 'The order and its checkout data.', schema: CreatedOrder },
    errors: [400, 409, 413, 415, 502],
  },
  {
    method: 'get',
    path: '/v1/orders',
    tag: 'Orders',
    summary: "The customer's orders, newest first",
    auth: 'customer',
    query: ListQuery,
    ok: { status: 200, description: 'A page of orders.', schema: page(Order) },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/orders/:id',
    tag: 'Orders',
    summary: 'One order, with its timeline and refunds',
    auth: 'customer',
    params: ORDER_ID,
    ok: { status: 200, description: 'The order.', schema: Order },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/orders/:id/confirm',
    tag: 'Orders',
    summary: "Forward the checkout's success callback",
    description:
      "Send Razorpay checkout's handler response unchanged (`razorpay_order_id`, `razorpay_payment_id`, " +
      "`razorpay_signature`). The signature is verified and `razorpay_order_id` must be this order's gateway order " +
      '(otherwise 400 and nothing changes). The order moves to `processing` (unless already final) and its status ' +
      'is checked at once; the webhook settles it.',
    auth: 'customer',
    params: ORDER_ID,
    body: ConfirmBody,
    ok: { status: 202, description: 'The order, `processing` or already final.', schema: Order },
    errors: [400, 404, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/v1/orders/:id/stream',
    tag: 'Orders',
    summary: 'Live status (Server-Sent Events)',
    description:
      'A `text/event-stream`: a `status` event with the current status at once, one per change after it, a ' +
      '`: heartbeat` comment every 15 s; it ends after a final status. Reconnect with `Last-Event-ID` to get what ' +
      'was missed; 204 when the client already has the final status.',
    auth: 'customer',
    params: ORDER_ID,
    headers: { 'Last-Event-ID': { schema: LastEventId, required: false } },
    ok: { status: 200, description: 'The event stream; each `data` is JSON.', schema: StreamEvent },
    contentType: 'text/event-stream',
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/account',
    tag: 'Account',
    summary: "The customer's account and balance",
    auth: 'customer',
    ok: { status: 200, description: 'The account.', schema: Account },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/account/entries',
    tag: 'Account',
    summary: 'The ledger: credits and debits, newest first',
    auth: 'customer',
    query: FeedQuery,
    ok: { status: 200, description: 'A page of entries.', schema: page(LedgerEntry) },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/notifications',
    tag: 'Notifications',
    summary: "The customer's notification feed, newest first",
    auth: 'customer',
    query: FeedQuery,
    ok: { status: 200, description: 'A page of notifications.', schema: page(NotificationSchema) },
    errors: [400],
  },
  {
    method: 'post',
    path: '/v1/orders/:id/refunds',
    tag: 'Operators',
    summary: 'Refund an order, fully or in part (finance)',
    description:
      'Omit `amount` to refund everything that is left. `Idempotency-Key` is required: a retried request is the ' +
      'same refund. More than is left to refund is a 409.',
    auth: 'finance',
    params: ORDER_ID,
    headers: IDEMPOTENCY,
    body: RefundBody,
    ok: {
      status: 201,
      description: 'The refund (`requested`) and the order.',
      schema: v.object({ refund: Refund, order: Order }),
    },
    errors: [400, 404, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/v1/ops/orders/:id',
    tag: 'Operators',
    summary: 'Any order, with its customer (support, finance)',
    auth: 'support',
    params: ORDER_ID,
    ok: { status: 200, description: 'The order.', schema: v.object({ ...Order.entries, customerId: v.string() }) },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/ops/deliveries',
    tag: 'Operators',
    summary: 'App-webhook deliveries and their attempts (support, finance)',
    auth: 'support',
    query: DeliveriesQuery,
    ok: { status: 200, description: 'Deliveries, newest first.', schema: v.object({ items: v.array(Delivery) }) },
    errors: [400],
  },
  {
    method: 'post',
    path: '/v1/ops/accounts/:customerId/close',
    tag: 'Operators',
    summary: "Close a customer's account: its next credit fails and the payment is refunded (finance)",
    description: 'Only a customer who has ordered can be closed (404 otherwise). The optional `reason` is audited.',
    auth: 'finance',
    params: { customerId: CustomerIdParam },
    body: ReasonBody,
    ok: { status: 200, description: 'The account.', schema: Account },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/v1/ops/accounts/:customerId/reopen',
    tag: 'Operators',
    summary: "Reopen a customer's account (finance)",
    auth: 'finance',
    params: { customerId: CustomerIdParam },
    body: ReasonBody,
    ok: { status: 200, description: 'The account.', schema: Account },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/ops/audit',
    tag: 'Operators',
    summary: 'The audit log of operator actions, newest first (support, finance)',
    description:
      'Every refund requested, account closed or reopened and reconciliation started: who (the key id, never the ' +
      'key), role, action, target, request id, reason, time. Append-only.',
    auth: 'support',
    query: AuditQuery,
    ok: {
      status: 200,
      description: 'A page of audit entries.',
      schema: v.object({ items: v.array(v.record(v.string(), v.unknown())), nextCursor: v.nullable(v.string()) }),
    },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/ops/webhook-issues',
    tag: 'Operators',
    summary: 'Signed gateway webhooks that could not be applied, kept for a person (support, finance)',
    auth: 'support',
    query: IssuesQuery,
    ok: {
      status: 200,
      description: 'A page of webhook issues, newest first.',
      schema: v.object({ items: v.array(v.record(v.string(), v.unknown())), nextCursor: v.nullable(v.string()) }),
    },
    errors: [400],
  },
  {
    method: 'post',
    path: '/v1/ops/reconciliations',
    tag: 'Operators',
    summary: 'Reconcile business days with the gateway (finance, audited)',
    description:
      'One run per day (`date`, or `from`..`to`, at most 31 days, none in the future), queued on the `reconciliations` ' +
      'queue: 202 at once with the runs. A day another run holds is a 409.',
    auth: 'finance',
    body: StartBody,
    ok: {
      status: 202,
      description: 'The first run, and every run started.',
      schema: v.object({
        id: v.string(),
        day: v.string(),
        status: v.string(),
        runs: v.array(v.object({ id: v.string(), day: v.string(), status: v.string() })),
      }),
    },
    errors: [400, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/v1/ops/reconciliations',
    tag: 'Operators',
    summary: 'Reconciliation runs, newest first (support, finance)',
    auth: 'support',
    query: RunsQuery,
    ok: {
      status: 200,
      description: 'A page of runs with their counts.',
      schema: v.object({ items: v.array(v.record(v.string(), v.unknown())), nextCursor: v.nullable(v.string()) }),
    },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/ops/reconciliations/:id',
    tag: 'Operators',
    summary: "A run's report: counts and a page of differences; `Accept: text/csv` for every difference as CSV",
    auth: 'support',
    params: { id: RunId },
    query: ReportQuery,
    ok: { status: 200, description: "The run, its differences and the next page's cursor." },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Reference',
    summary: 'This document',
    auth: 'none',
    ok: { status: 200, description: 'OpenAPI 3.1.' },
    errors: [],
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'Reference',
    summary: 'This document, rendered',
    auth: 'none',
    ok: { status: 200, description: 'An HTML page.' },
    contentType: 'text/html',
    errors: [],
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'Reference',
    summary: 'Health check (Cloud Run probes)',
    auth: 'none',
    ok: { status: 200, description: 'Serving.', schema: v.object({ ok: v.boolean(), service: v.string() }) },
    errors: [],
  },
];

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid request: `errors[]` names each invalid field.',
  401: 'Missing or invalid credentials.',
  403: "The operator key's role may not do this.",
  404: "No such order (or not this customer's).",
  409: "Idempotency-Key reused with another body, or not allowed in the order's state.",
  413: 'The body is too large.',
  415: 'The body is not application/json.',
  429: 'Too many requests (from this address, customer or operator key); `Retry-After` says when to try again.',
  502: 'The payment gateway did not answer; nothing was charged, retry with the same Idempotency-Key.',
};

function schemaOf(schema: v.GenericSchema): Record<string, unknown> {
  // `ignore`: the document shows the types a client sends and receives, not valibot's transformations
  const { $schema: _, ...json } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    typeMode: 'ignore',
    errorMode: 'ignore',
  }) as Record<string, unknown>;
  return json;
}

/** `/v1/orders/:id` → `/v1/orders/{id}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function problemResponse(status: number) {
  return {
    description: STATUS_TEXT[status] ?? 'A problem.',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function operationObject(op: Operation) {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      schema: schemaOf(schema),
    })),
    ...Object.entries(op.query?.entries ?? {}).map(([name, schema]) => {
      const json = schemaOf(schema);
      return {
        name,
        in: 'query',
        required: schema.type !== 'optional',
        ...(typeof json.description === 'string' ? { description: json.description } : {}),
        schema: json,
      };
    }),
    ...Object.entries(op.headers ?? {}).map(([name, { schema, required }]) => {
      const json = schemaOf(schema);
      return {
        name,
        in: 'header',
        required,
        ...(typeof json.description === 'string' ? { description: json.description } : {}),
        schema: json,
      };
    }),
  ];
  const errors = new Set(op.errors);
  if (op.auth !== 'none') errors.add(401);
  if (op.auth === 'finance' || op.auth === 'support') errors.add(403);
  // every /v1 route is rate-limited (per address, per customer or operator key, and on refused authentication)
  if (op.path.startsWith('/v1/')) errors.add(429);
  const security =
    op.auth === 'none'
      ? []
      : op.auth === 'customer'
        ? [{ customerJwt: [] }]
        : [{ operatorKey: [op.auth === 'finance' ? 'finance' : 'support'] }];
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    operationId: `${op.method}${openApiPath(op.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } }
      : {}),
    responses: {
      [op.ok.status]: {
        description: op.ok.description,
        ...(op.ok.schema
          ? { content: { [op.contentType ?? 'application/json']: { schema: schemaOf(op.ok.schema) } } }
          : {}),
      },
      ...Object.fromEntries([...errors].sort().map((status) => [status, problemResponse(status)])),
    },
  };
}

let cached: Record<string, unknown> | null = null;

/** The OpenAPI 3.1 document of the api service, built once from OPERATIONS and the routes' own schemas. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Payments API',
      version: '1',
      description:
        'Orders in paise (INR), paid through Razorpay checkout. Create an order with an `Idempotency-Key`, open the ' +
        "checkout with `checkout.keyId` and `checkout.gatewayOrderId`, forward the checkout's callback to `confirm`, " +
        'and follow `/v1/orders/{id}/stream` until the order is final. Every error is `application/problem+json`.',
    },
    tags: [
      { name: 'Orders' },
      { name: 'Account' },
      { name: 'Notifications' },
      { name: 'Operators', description: 'X-Api-Key with a role: support reads, finance also refunds.' },
      { name: 'Reference' },
    ],
    paths,
    webhooks: Object.fromEntries([
      ...NOTIFICATION_STEPS.map((step) => [
        `notification.${step}`,
        appWebhook(`notification.${step}, posted to APP_WEBHOOK_URL`, AppWebhookPayloadSchema),
      ]),
      [
        'reconciliation.completed',
        appWebhook(
          "reconciliation.completed: a run's summary for finance (counts, differences needing a person, the " +
            "report's path), posted to APP_WEBHOOK_URL once per run",
          ReconciliationWebhookPayloadSchema,
        ),
      ],
    ]),
    components: {
      schemas: { Problem: schemaOf(Problem) },
      securitySchemes: {
        customerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "The customer's token; the customer is its `sub`.",
        },
        operatorKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An operator key (role).' },
      },
    },
  };
  return cached;
}
