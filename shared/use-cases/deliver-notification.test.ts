import { createHmac } from 'node:crypto';
import test from 'ava';
import { signWebhook } from './deliver-notification.ts';

const AT = new Date('2026-03-01T10:00:00.000Z');

test('signWebhook: t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">', (t) => {
  const header = signWebhook('s3cret-s3cret-s3cret', '{"a":1}', AT);
  const t0 = Math.floor(AT.getTime() / 1000);
  t.is(header, `t=${t0},v1=${createHmac('sha256', 's3cret-s3cret-s3cret').update(`${t0}.{"a":1}`).digest('hex')}`);
});

test('signWebhook: one changed byte of the body or time gives another signature', (t) => {
  const a = signWebhook('k'.repeat(16), '{"a":1}', AT);
  t.not(a, signWebhook('k'.repeat(16), '{"a":2}', AT));
  t.not(a, signWebhook('k'.repeat(16), '{"a":1}', new Date(AT.getTime() + 1000)));
});
