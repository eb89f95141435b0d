import { createHmac } from 'node:crypto';
import test from 'ava';
import { hmacHex, safeEqualHex, verifyCheckoutSignature, verifyWebhookSignature } from './signatures.ts';

const SECRET = 'key_secret_for_tests';
const sign = (data: string, secret = SECRET) => createHmac('sha256', secret).update(data).digest('hex');

test('hmacHex: lower-case hex HMAC-SHA256', (t) => {
  t.is(hmacHex(SECRET, 'order_A|pay_B'), sign('order_A|pay_B'));
  t.regex(hmacHex(SECRET, ''), /^[0-9a-f]{64}$/);
});

test('safeEqualHex: equal digests match, case-insensitively', (t) => {
  const d = sign('x');
  t.true(safeEqualHex(d, d));
  t.true(safeEqualHex(d, d.toUpperCase()));
});

test('safeEqualHex: a different, shorter, longer, non-hex or empty value → false, never a throw', (t) => {
  const d = sign('x');
  t.false(safeEqualHex(d, sign('y')));
  t.false(safeEqualHex(d, d.slice(0, 63)));
  t.false(safeEqualHex(d, `${d}00`));
  t.false(safeEqualHex(d, `${d.slice(0, 63)}z`));
  t.false(safeEqualHex(d, ''));
  t.false(safeEqualHex('', ''));
});

test('verifyCheckoutSignature: HMAC of order_id|payment_id with the key secret → true', (t) => {
  const input = { gatewayOrderId: 'order_A', paymentId: 'pay_B', signature: sign('order_A|pay_B') };
  t.true(verifyCheckoutSignature(SECRET, input));
});

test('verifyCheckoutSignature: forged, swapped ids, other secret, wrong length, empty → false', (t) => {
  const good = sign('order_A|pay_B');
  t.false(verifyCheckoutSignature(SECRET, { gatewayOrderId: 'order_A', paymentId: 'pay_C', signature: good }));
  t.false(verifyCheckoutSignature(SECRET, { gatewayOrderId: 'pay_B', paymentId: 'order_A', signature: good }));
  t.false(
    verifyCheckoutSignature(SECRET, {
      gatewayOrderId: 'order_A',
      paymentId: 'pay_B',
      signature: sign('order_A|pay_B', 'other'),
    }),
  );
  t.false(verifyCheckoutSignature(SECRET, { gatewayOrderId: 'order_A', paymentId: 'pay_B', signature: good.slice(1) }));
  t.false(verifyCheckoutSignature(SECRET, { gatewayOrderId: 'order_A', paymentId: 'pay_B', signature: '' }));
  t.false(verifyCheckoutSignature(SECRET, { gatewayOrderId: '', paymentId: '', signature: sign('|') }));
});

test('verifyWebhookSignature: over the exact raw body; one changed byte or a missing header → false', (t) => {
  const body = '{"entity":"event","event":"payment.captured"}';
  t.true(verifyWebhookSignature('whsec', body, sign(body, 'whsec')));
  t.false(verifyWebhookSignature('whsec', `${body} `, sign(body, 'whsec')));
  t.false(verifyWebhookSignature('whsec', body, undefined));
  t.false(verifyWebhookSignature('whsec', body, ''));
});
