import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The sandbox signs what Razorpay signs. These few lines duplicate the adapter's on purpose: a service may not import
 * an adapter, and a sandbox that reused the adapter's code could not catch a bug in it.
 */

export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** `razorpay_signature` handed to the app by checkout: HMAC-SHA256 of `order_id|payment_id` with the key secret. */
export function checkoutSignature(keySecret: string, orderId: string, paymentId: string): string {
  return hmacHex(keySecret, `${orderId}|${paymentId}`);
}

/** `X-Razorpay-Signature`: HMAC-SHA256 of the exact body bytes with the webhook secret. */
export function webhookSignature(webhookSecret: string, rawBody: string): string {
  return hmacHex(webhookSecret, rawBody);
}

/** Constant-time string comparison that does not leak the expected length through an exception. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
