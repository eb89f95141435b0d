import test from 'ava';
import { AppError } from './errors.ts';
import { formatMoney, money, sameMoney } from './money.ts';

test('money: integer paise within bounds is accepted', (t) => {
  t.deepEqual(money(49_900, 'INR'), { amount: 49_900, currency: 'INR' });
});

for (const [amount, why] of [
  [10.5, 'fractional'],
  [-100, 'negative'],
  [0, 'zero'],
  [99, 'below ₹1'],
  [Number.NaN, 'NaN'],
  [Number.MAX_SAFE_INTEGER + 2, 'unsafe integer'],
] as const) {
  test(`money: ${why} amount → validation error`, (t) => {
    const error = t.throws(() => money(amount, 'INR'), { instanceOf: AppError });
    t.is(error?.type, 'validation');
  });
}

test('money: unknown currency → validation error naming currency', (t) => {
  const error = t.throws(() => money(100, 'XYZ'), { instanceOf: AppError });
  t.is(error?.fields[0]?.path, 'currency');
});

test('sameMoney: compares amount and currency exactly', (t) => {
  t.true(sameMoney(money(100, 'INR'), money(100, 'INR')));
  t.false(sameMoney(money(100, 'INR'), money(101, 'INR')));
});

test('formatMoney: paise shown as rupees without float arithmetic', (t) => {
  t.is(formatMoney(money(49_905, 'INR')), '₹499.05');
  t.is(formatMoney(money(100, 'INR')), '₹1.00');
});
