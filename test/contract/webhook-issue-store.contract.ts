import type { TestFn } from 'ava';
import type { WebhookIssue, WebhookIssueStore } from '../../shared/ports/webhook-issue-store.ts';
import { everyPage } from '../support/pages.ts';

/** The promises of the webhook issue store: one issue per event, listed newest first. */
export function webhookIssueStoreContract(test: TestFn, make: () => WebhookIssueStore): void {
  const issue = (id: string, minute: number): WebhookIssue => ({
    id,
    at: new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString(),
    eventType: 'payment.captured',
    reason: 'a payment for an order we do not hold',
    gatewayOrderId: 'order_X',
    paymentId: 'pay_X',
    refundId: null,
  });

  test('webhook issues: the same event recorded twice is one issue; listed newest first across pages', async (t) => {
    const store = make();
    for (let i = 0; i < 5; i++) await store.record(issue(`evt_${i}`, i));
    await store.record(issue('evt_2', 30));
    const all = await everyPage((cursor) => store.list(2, cursor));
    t.deepEqual(
      all.map((i) => i.id),
      ['evt_4', 'evt_3', 'evt_2', 'evt_1', 'evt_0'],
    );
  });
}
