import { AppError } from './errors.ts';

/** Currencies we accept, with their minor-unit exponent (paise: 2). A closed list: anything else is refused. */
export const CURRENCY_EXPONENT = { INR: 2 } as const;
export type Currency = keyof typeof CURRENCY_EXPONENT;
export const CURRENCIES = Object.keys(CURRENCY_EXPONENT) as Currency[];

// Razorpay's floor for INR orders is ₹1 (100 paise); the ceiling keeps every sum far inside Number.MAX_SAFE_INTEGER.
export const MIN_AMOUNT = 100;
export const MAX_AMOUNT = 100_000_000_000;

/** An exact amount: an integer count of the currency's minor unit. Never a float of rupees. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_EXPONENT, value);
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new AppError('validation', 'amount must be an integer number of minor units (paise)', [
      { path: 'amount', message: 'must be an integer' },
    ]);
  }
  if (amount < MIN_AMOUNT || amount > MAX_AMOUNT) {
    throw new AppError('validation', `amount must be between ${MIN_AMOUNT} and ${MAX_AMOUNT} minor units`, [
      { path: 'amount', message: `must be between ${MIN_AMOUNT} and ${MAX_AMOUNT}` },
    ]);
  }
  if (!isCurrency(currency)) {
    throw new AppError('validation', `currency must be one of ${CURRENCIES.join(', ')}`, [
      { path: 'currency', message: 'unsupported currency' },
    ]);
  }
  return { amount, currency };
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** For people, never for arithmetic: 12345 INR → "₹123.45". */
export function formatMoney(m: Money): string {
  const exp = CURRENCY_EXPONENT[m.currency];
  const major = Math.trunc(m.amount / 10 ** exp);
  const minor = String(m.amount % 10 ** exp).padStart(exp, '0');
  return `${m.currency === 'INR' ? '₹' : `${m.currency} `}${major}.${minor}`;
}
