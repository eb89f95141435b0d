import * as v from 'valibot';

export const IdempotencyKey = v.pipe(
  v.string('send an Idempotency-Key header'),
  v.regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'Idempotency-Key: 1–255 letters, digits, or _ . : -'),
);
