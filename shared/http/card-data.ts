import * as v from 'valibot';

/** 13 to 19 digits, optionally separated by single spaces or dashes, not part of a longer run of digits. */
const CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * True when `text` holds what looks like a payment card number: 13–19 digits (spaces or dashes between them allowed)
 * passing the Luhn check. The product never takes card data (the gateway's checkout does), so such text is refused
 * rather than stored, even encrypted.
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true;
  }
  return false;
}

/** Field names that ask for a card's security code (or its number), compared without case or separators. */
const CARD_FIELD_NAMES = new Set([
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cvn',
  'cvn2',
  'cid',
  'csc',
  'cardcode',
  'cardcvv',
  'cardcvc',
  'cardverification',
  'cardverificationvalue',
  'cardverificationcode',
  'securitycode',
  'cardsecuritycode',
  'cardnumber',
  'ccnumber',
  'creditcardnumber',
]);

/** True for a field name such as `cvv`, `CVC2`, `card_code` or `security-code`. */
export function isCardFieldName(name: string): boolean {
  return CARD_FIELD_NAMES.has(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

const WHY = 'looks like a card number: card data is never accepted here (the gateway’s checkout collects it)';

/** A valibot check refusing free text that carries a card number. */
export const noCardNumber = v.check<string, string>((text) => !containsCardNumber(text), WHY);

/** A valibot check refusing notes whose keys ask for card data or whose values carry a card number. */
export const noCardDataInNotes = v.check<Record<string, string>, string>(
  (notes) =>
    Object.entries(notes).every(([key, value]) => !isCardFieldName(key) && !containsCardNumber(`${key} ${value}`)),
  'notes must not carry card data (a card number, or a field such as cvv, cvc or card_code): the gateway’s checkout collects it',
);
