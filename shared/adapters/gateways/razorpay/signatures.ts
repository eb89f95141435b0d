import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Lower-case hex HMAC-SHA256, the form of both Razorpay signatures. */
export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Compares an expected HMAC with a received one in constant time. Anything that is not 64 hex characters is refused
 * before the comparison (timingSafeEqual throws on unequal lengths, and a received value's length says nothing secret).
 */
export function safeEqualHex(expected: string, received: string): boolean {
  if (!SHA256_HEX.test(expected) || !SHA256_HEX.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(received, 'hex'));
}

/** Checkout's `razorpay_signature`: HMAC-SHA256 of `order_id|payment_id`, keyed with the API key secret. */
export function verifyCheckoutSignature(
  keySecret: string,
  input: { gatewayOrderId: string; paymentId: string; signature: string },
): boolean {
  if (!input.gatewayOrderId || !input.paymentId || !input.signature) return false;
  return safeEqualHex(hmacHex(keySecret, `${input.gatewayOrderId}|${input.paymentId}`), input.signature);
}

/** `X-Razorpay-Signature`: HMAC-SHA256 of the raw body exactly as received, keyed with the webhook secret. */
export function verifyWebhookSignature(webhookSecret: string, rawBody: string, signature: string | undefined): boolean {
  if (!signature) return false;
  return safeEqualHex(hmacHex(webhookSecret, rawBody), signature.trim());
}
