import test from 'ava';
import { joinRecord, splitRecord } from './sealed-record.ts';

const plan = { top: ['description', 'notes'], inArrays: { timeline: ['detail'], captures: ['vpa', 'contact'] } };

test('a split record keeps no sensitive field in clear and joins back to the same record', (t) => {
  const record = {
    id: 'ord_1',
    description: 'for alice@example.com',
    notes: { phone: '+919999999999' },
    timeline: [{ at: 't1' }, { at: 't2', detail: 'UPI PIN wrong' }],
    captures: [{ paymentId: 'pay_1', vpa: 'alice@upi', contact: '+91999' }],
  };
  const { clear, secret } = splitRecord(record, plan);
  const text = JSON.stringify(clear);
  for (const value of ['alice@example.com', '+919999999999', 'UPI PIN wrong', 'alice@upi', '+91999']) {
    t.false(text.includes(value), value);
  }
  t.deepEqual(joinRecord(clear, secret, plan), record);
});
