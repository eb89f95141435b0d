import type { Context } from 'hono';
import * as v from 'valibot';
import { AppError } from '../domain/errors.ts';
import type { PaymentEvent } from '../domain/events.ts';
import { PaymentEventSchema } from './schemas.ts';
import { parseJsonBody, parseWith } from './validate.ts';

const Envelope = v.object({
  message: v.object({
    data: v.optional(v.pipe(v.string(), v.base64()), ''),
    attributes: v.optional(v.record(v.string(), v.string()), {}),
    messageId: v.optional(v.string()),
    message_id: v.optional(v.string()),
    publishTime: v.optional(v.string()),
  }),
  subscription: v.string(),
  // absent on the emulator and without a dead-letter policy: never relied on
  deliveryAttempt: v.optional(v.number()),
});

export interface PushMessage {
  readonly messageId: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: unknown;
  readonly subscription: string;
}

/** Validates a Pub/Sub push envelope and decodes its JSON data. Anything malformed is a 400 (redelivered, then dead-lettered). */
export async function readPushMessage(c: Context): Promise<PushMessage> {
  const envelope = await parseJsonBody(c, Envelope);
  const messageId = envelope.message.messageId ?? envelope.message.message_id;
  if (!messageId) throw new AppError('validation', 'push message without a messageId');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8'));
  } catch {
    throw new AppError('validation', 'push message data is not base64 JSON');
  }
  return { messageId, attributes: envelope.message.attributes, data, subscription: envelope.subscription };
}

/** A push of the `payment-events` topic, its event validated (and matched to the `eventId` attribute). */
export async function readPaymentEvent(c: Context): Promise<{ event: PaymentEvent; messageId: string }> {
  const message = await readPushMessage(c);
  const event = parseWith(PaymentEventSchema, message.data, 'payment event') as PaymentEvent;
  if (message.attributes.eventId !== undefined && message.attributes.eventId !== event.id) {
    throw new AppError('validation', 'eventId attribute does not match the event');
  }
  return { event, messageId: message.messageId };
}
