import test from 'ava';
import { containsCardNumber, isCardFieldName } from './card-data.ts';

test('card numbers are recognised with or without spaces or dashes, 13 to 19 digits passing Luhn', (t) => {
  for (const text of [
    '4111111111111111',
    'card 4111 1111 1111 1111 thanks',
    '4111-1111-1111-1111',
    '5500 0055 5555 5559',
    '378282246310005',
    '6011111111111117',
    '4222222222222',
  ]) {
    t.true(containsCardNumber(text), text);
  }
});

test('phone numbers, order ids, amounts and digit runs failing Luhn or too long are not card numbers', (t) => {
  for (const text of [
    '+919876543210',
    'order ord_abcdefghij0123456789',
    '4111111111111112',
    'invoice 2024-0001',
    '12345678901234567890123',
    'account 50100234567890',
    '',
  ]) {
    t.false(containsCardNumber(text), text);
  }
});

test('card security code and number field names are recognised however they are written', (t) => {
  for (const name of ['cvv', 'CVV2', 'cvc', 'card_code', 'Card-Code', 'security code', 'cardNumber', 'CSC']) {
    t.true(isCardFieldName(name), name);
  }
  for (const name of ['plan', 'customer_ref', 'phone', 'code', 'cv']) t.false(isCardFieldName(name), name);
});
