import * as v from 'valibot';
import { badRequest } from './razorpay-errors.ts';
import { WEBHOOK_MODES } from './webhook-sender.ts';

/*
 * Request bodies the sandbox accepts, with Razorpay's validation messages where the docs give them. Objects are
 * strict because Razorpay refuses unknown fields ("… is/are not required and should not be sent").
 */

const amount = v.pipe(
  v.number('The amount must be an integer.'),
  v.integer('The amount must be an integer.'),
  v.minValue(100, 'The amount must be at least INR 1.00'),
);

const notes = v.pipe(
  v.record(
    v.string(),
    v.pipe(v.string('Notes values must be strings'), v.maxLength(256, 'Notes values may not exceed 256 characters')),
    'The notes must be an object of strings',
  ),
  v.check((n) => Object.keys(n).length <= 15, 'Number of notes may not exceed 15'),
);

const receipt = v.nullable(
  v.pipe(
    v.string('The receipt must be a string.'),
    v.maxLength(40, 'The receipt may not be greater than 40 characters.'),
  ),
);

export const CreateOrderBody = v.strictObject({
  amount,
  currency: v.picklist(['INR'], 'Currency is not supported'),
  receipt: v.optional(receipt, null),
  notes: v.optional(notes, {}),
});

export const CreateRefundBody = v.strictObject({
  // Omitted means "the rest of the payment", as in Razorpay.
  amount: v.optional(amount),
  speed: v.optional(v.picklist(['normal', 'optimum'], 'The selected speed is invalid.'), 'normal'),
  notes: v.optional(notes, {}),
  receipt: v.optional(receipt, null),
});

const webhook = v.optional(v.picklist(WEBHOOK_MODES, `webhook must be one of ${WEBHOOK_MODES.join(', ')}`), 'deliver');

export const PayBody = v.strictObject({
  outcome: v.picklist(['success', 'failure'], 'outcome must be success or failure'),
  webhook,
  amount: v.optional(amount),
});

const refundOutcome = v.picklist(['processed', 'failed'], 'outcome must be processed or failed');

export const SettleRefundBody = v.strictObject({ outcome: refundOutcome, webhook });

export const RefundBehaviourBody = v.strictObject({ outcome: refundOutcome, webhook });

const queryInt = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,10}$/, `The ${name} must be an integer.`),
    v.transform(Number),
    v.minValue(min, `The ${name} must be at least ${min}.`),
    v.maxValue(max, `The ${name} may not be greater than ${max}.`),
  );

/** `GET /v1/payments` and `GET /v1/refunds`: unix-second bounds and a page (Razorpay: count 1–100, default 10). */
export const ListQuery = v.strictObject({
  from: v.optional(queryInt('from', 0, 4_102_444_800)),
  to: v.optional(queryInt('to', 0, 4_102_444_800)),
  count: v.optional(queryInt('count', 1, 100), '10'),
  skip: v.optional(queryInt('skip', 0, 1_000_000_000), '0'),
});

/** `GET /v1/settlements/recon/combined`: a year and month, optionally a day; a page of up to 1,000 lines. */
export const ReconQuery = v.strictObject({
  year: queryInt('year', 2000, 2100),
  month: queryInt('month', 1, 12),
  day: v.optional(queryInt('day', 1, 31)),
  count: v.optional(queryInt('count', 1, 1000), '1000'),
  skip: v.optional(queryInt('skip', 0, 1_000_000_000), '0'),
});

/** Razorpay documents idempotency keys as at least 10 characters of letters, digits, `-` and `_`. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{10,}$/;

/** Validates `input` against `schema`, raising the first problem as Razorpay's BAD_REQUEST_ERROR. */
export function parseBody<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = v.getDotPath(issue) ?? undefined;
  if (field === undefined) throw badRequest('The request body must be a JSON object');
  // A missing key and an unknown key both surface as object issues: a missing one has no input (JSON has no undefined).
  if (issue.input === undefined) throw badRequest(`The ${field} field is required.`, field);
  if (issue.type === 'strict_object') throw badRequest(`${field} is/are not required and should not be sent`, field);
  throw badRequest(issue.message, field);
}
