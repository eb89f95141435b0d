import type { ExecutionContext, TestFn } from 'ava';
import { type Client, client, type Harness, operator, pay, scenarioRunner, until } from './harness.ts';

/**
 * The promises of what follows a payment (account credit, automatic refunds, refunds, notifications), written once
 * and run on every stack.
 */
export function registerAfterPaymentScenarios(
  test: TestFn,
  label: string,
  acquire: () => Promise<Harness>,
  release: (h: Harness) => Promise<void>,
) {
  const run = scenarioRunner(test, label, acquire, release);

  async function paidOrder(h: Harness, c: Client, amount = 49_900) {
    const order = await c.createOrder(amount);
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'succeeded',
      2,
    );
    return order;
  }

  async function ledger(c: Client, t: ExecutionContext) {
    const account = await c.json('GET', '/v1/account');
    const entries = (await c.json('GET', '/v1/account/entries?limit=100')).items;
    const sum = entries.reduce(
      (s: number, e: any) => s + (e.kind === 'credit' ? e.amount.amount : -e.amount.amount),
      0,
    );
    t.is(sum, account.balance.amount, `ledger balances: entries sum ${sum}, balance ${account.balance.amount}`);
    return { account, entries };
  }

  const steps = async (c: Client, orderId: string) =>
    (await c.notifications()).filter((n: any) => n.orderId === orderId).map((n: any) => n.step);

  run('success → the account is credited once', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    const { account, entries } = await until(
      h,
      () => ledger(c, t),
      (l) => l.entries.length > 0,
      2,
    );
    t.is(account.balance.amount, 49_900, `balance ${account.balance.amount}`);
    t.is(entries.length, 1, 'one credit entry');
    t.is(entries[0].kind, 'credit', 'one credit entry');
    t.is(entries[0].orderId, order.id, 'one credit entry');
  });

  run('credit fails permanently (account closed) → refunded in full and the customer told', async (h, t) => {
    const c = await client(h);
    const stranger = await operator(h, 'POST', `/v1/ops/accounts/cust_nobody_${Date.now()}/close`, { reason: 'x' });
    t.is(stranger.status, 404, 'no such customer: nothing to close');
    const order = await c.createOrder();
    const closed = await operator(h, 'POST', `/v1/ops/accounts/${c.customerId}/close`, { reason: 'fraud review' });
    t.is(closed.status, 200, `close → ${closed.status}`);
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds[0]?.status === 'processed',
      4,
    );
    t.is(done.refunds.length, 1, `one refund, got ${done.refunds.length}`);
    t.is(done.refunds[0].trigger, 'credit-failed', 'full refund for the failed credit');
    t.is(done.refunds[0].amount.amount, 49_900, 'full refund for the failed credit');
    t.true(done.flags.includes('credit-failed'), `flags ${done.flags}`);
    t.is(done.refundedAmount.amount, 49_900, `refunded ${done.refundedAmount.amount}`);
    const { entries } = await ledger(c, t);
    t.is(entries.length, 0, 'nothing credited');
    const told = await until(
      h,
      () => steps(c, order.id),
      (s) => s.includes('refunded'),
      2,
    );
    t.true(told.includes('refund-initiated') && told.includes('refunded'), `told: ${told}`);
  });

  run('late success after expiry → refunded, never credited', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const intervals = Math.ceil(h.maxAgeSeconds / h.intervalSeconds) + 2;
    await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'expired',
      intervals,
    );
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds[0]?.status === 'processed',
      4,
    );
    t.true(
      done.status === 'expired' && done.flags.includes('late-success'),
      `status ${done.status}, flags ${done.flags}`,
    );
    t.is(done.refunds.length, 1, 'one late-success refund');
    t.is(done.refunds[0].trigger, 'late-success', 'one late-success refund');
    t.is((await ledger(c, t)).entries.length, 0, 'never credited');
    const told = await until(
      h,
      () => steps(c, order.id),
      (s) => s.includes('refunded'),
      2,
    );
    t.true(told.includes('late-success') && told.includes('refunded'), `told: ${told}`);
  });

  run('amount mismatch → the money received is refunded and the order flagged', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder(49_900);
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver', amount: 20_000 });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds[0]?.status === 'processed',
      4,
    );
    t.not(done.status, 'succeeded', `not succeeded: ${done.status}`);
    t.true(done.flags.includes('amount-mismatch'), `flags ${done.flags}`);
    t.is(done.refunds[0].amount.amount, 20_000, 'the 20000 received, refunded');
    t.is(done.refunds[0].trigger, 'amount-mismatch', 'the 20000 received, refunded');
    t.is((await ledger(c, t)).entries.length, 0, 'never credited');
  });

  run('partial then full refund → refunded amount right, ledger debited, no over-refund', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    const first = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { amount: 10_000, reason: 'goodwill' },
      { 'idempotency-key': 'r1' },
    );
    t.is(first.status, 201, `first refund → ${first.status}`);
    const again = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { amount: 10_000, reason: 'goodwill' },
      { 'idempotency-key': 'r1' },
    );
    t.is(again.status, 201, 'same key → same refund');
    t.is(again.headers.get('idempotent-replayed'), 'true', 'same key → same refund');
    const rest = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { reason: 'cancelled' },
      { 'idempotency-key': 'r2' },
    );
    t.is(rest.status, 201, `rest → ${rest.status}`);
    t.is(((await rest.json()) as any).refund.amount.amount, 39_900, 'the rest is 39900');
    const over = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { amount: 100, reason: 'more' },
      { 'idempotency-key': 'r3' },
    );
    t.is(over.status, 409, `over-refund → ${over.status}`);
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds.every((r: any) => r.status === 'processed'),
      4,
    );
    t.is(done.refunds.length, 2, `refunded ${done.refundedAmount.amount}`);
    t.is(done.refundedAmount.amount, 49_900, `refunded ${done.refundedAmount.amount}`);
    const { account, entries } = await until(
      h,
      () => ledger(c, t),
      (l) => l.entries.length >= 3,
      2,
    );
    t.is(entries.length, 3, `3 entries, balance ${account.balance.amount}`);
    t.is(account.balance.amount, 0, `3 entries, balance ${account.balance.amount}`);
  });

  run('concurrent refund requests never refund more than was paid', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        operator(
          h,
          'POST',
          `/v1/orders/${order.id}/refunds`,
          { amount: 20_000, reason: 'race' },
          { 'idempotency-key': `race-${i}` },
        ),
      ),
    );
    const codes = responses.map((r) => r.status);
    t.is(codes.filter((s) => s === 201).length, 2, `two fit in 49900: ${codes}`);
    t.is(codes.filter((s) => s === 409).length, 4, `the rest refused: ${codes}`);
    const after = await c.order(order.id);
    const committed = after.refunds.reduce((s: number, r: any) => s + r.amount.amount, 0);
    t.is(committed, 40_000, `committed ${committed}`);
  });

  run(
    'refund fails at the gateway → refund failed, customer told, amount refundable again, ledger not debited',
    async (h, t) => {
      const c = await client(h);
      const order = await paidOrder(h, c);
      const paid = await c.order(order.id);
      await h.fetch(`/sandbox/control/payments/${paid.paymentId}/refund-behaviour`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'failed', webhook: 'deliver' }),
      });
      const res = await operator(
        h,
        'POST',
        `/v1/orders/${order.id}/refunds`,
        { reason: 'will fail' },
        { 'idempotency-key': 'f1' },
      );
      t.is(res.status, 201, `refund → ${res.status}`);
      const done = await until(
        h,
        () => c.order(order.id),
        (o) => o.refunds[0]?.status === 'failed',
        3,
      );
      t.is(done.refunds[0].status, 'failed', `failed, refunded ${done.refundedAmount.amount}`);
      t.is(done.refundedAmount.amount, 0, `failed, refunded ${done.refundedAmount.amount}`);
      const told = await until(
        h,
        () => steps(c, order.id),
        (s) => s.includes('refund-failed'),
        2,
      );
      t.true(told.includes('refund-failed'), `told: ${told}`);
      const { account } = await ledger(c, t);
      t.is(account.balance.amount, 49_900, `balance untouched: ${account.balance.amount}`);
      await h.fetch(`/sandbox/control/payments/${paid.paymentId}/refund-behaviour`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'processed', webhook: 'deliver' }),
      });
      const retry = await operator(
        h,
        'POST',
        `/v1/orders/${order.id}/refunds`,
        { reason: 'again' },
        { 'idempotency-key': 'f2' },
      );
      t.is(retry.status, 201, `the full amount is refundable again → ${retry.status}`);
    },
  );

  run('refund webhook lost → the refund status check settles it', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    const paid = await c.order(order.id);
    const behave = await h.fetch(`/sandbox/control/payments/${paid.paymentId}/refund-behaviour`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'processed', webhook: 'drop' }),
    });
    t.true(behave.ok, `refund behaviour → ${behave.status}`);
    const res = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { amount: 5_000, reason: 'lost webhook' },
      { 'idempotency-key': 'lw' },
    );
    t.is(res.status, 201, `refund → ${res.status}`);
    await h.settle();
    const before = await c.order(order.id);
    t.not(before.refunds[0].status, 'processed', 'not processed before the check');
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds[0]?.status === 'processed',
      3,
    );
    t.is(done.refunds[0].status, 'processed', `processed, got ${done.refunds[0].status}`);
  });

  run(
    '20 duplicate deliveries of each event → one ledger entry, one refund, one notification per step',
    async (h, t) => {
      const c = await client(h);
      const credited = await paidOrder(h, c);
      await operator(
        h,
        'POST',
        `/v1/orders/${credited.id}/refunds`,
        { amount: 9_900, reason: 'partial' },
        { 'idempotency-key': 'dup' },
      );
      const mismatched = await c.createOrder(30_000);
      await pay(h, mismatched.checkout.gatewayOrderId, { webhook: 'deliver', amount: 10_000 });
      await until(
        h,
        () => c.order(mismatched.id),
        (o) => o.refunds[0]?.status === 'processed',
        4,
      );
      await until(
        h,
        () => c.order(credited.id),
        (o) => o.refunds[0]?.status === 'processed',
        4,
      );
      await until(
        h,
        () => ledger(c, t),
        (l) => l.entries.length >= 2,
        2,
      );
      const doubled = await paidOrder(h, c, 20_000);
      await pay(h, doubled.checkout.gatewayOrderId, { webhook: 'deliver' });
      await until(
        h,
        () => c.order(doubled.id),
        (o) => o.refunds[0]?.status === 'processed',
        4,
      );
      const pushed = await h.replayEvents(20);
      t.true(pushed > 0, 'replayed');
      const { account, entries } = await ledger(c, t);
      t.is(entries.length, 3, `two credits + one debit only, got ${entries.length}`);
      t.is(account.balance.amount, 60_000, `balance ${account.balance.amount}`);
      const doubledNow = await c.order(doubled.id);
      t.is(doubledNow.refunds.length, 1, 'one refund of the second capture');
      capturesAccountedFor(t, doubledNow);
      t.is((await c.order(credited.id)).refunds.length, 1, 'one refund on the credited order');
      t.is((await c.order(mismatched.id)).refunds.length, 1, 'one refund on the mismatched order');
      for (const id of [credited.id, mismatched.id, doubled.id]) {
        const s = await steps(c, id);
        t.is(new Set(s).size, s.length, `one notification per step: ${s}`);
      }
    },
  );

  /** Every order's captures add up: captured = accepted + refunded-or-refunding (issue 14's invariant). */
  function capturesAccountedFor(t: ExecutionContext, order: any) {
    const captured = order.captures.reduce((s: number, c: any) => s + c.amount.amount, 0);
    const accepted = order.captures
      .filter((c: any) => c.accepted)
      .reduce((s: number, c: any) => s + c.amount.amount, 0);
    const unaccepted = order.captures.filter((c: any) => !c.accepted);
    for (const c of unaccepted) {
      const refunds = order.refunds.filter((r: any) => r.paymentId === c.paymentId && r.status !== 'failed');
      t.is(
        refunds.reduce((s: number, r: any) => s + r.amount.amount, 0),
        c.amount.amount,
        `unaccepted capture ${c.paymentId} refunded or refunding in full`,
      );
    }
    t.is(captured, accepted + unaccepted.reduce((s: number, c: any) => s + c.amount.amount, 0));
  }

  run(
    'a second capture on a paid order → recorded, refunded once with its own refund, customer told why',
    async (h, t) => {
      const c = await client(h);
      const order = await paidOrder(h, c);
      const second = await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
      const done = await until(
        h,
        () => c.order(order.id),
        (o) => o.refunds.some((r: any) => r.status === 'processed'),
        4,
      );
      t.is(done.status, 'succeeded');
      t.is(done.captures.length, 2);
      t.like(done.captures[1], { paymentId: second.paymentId, accepted: false, cause: 'duplicate-capture' });
      t.is(done.refunds.length, 1);
      t.like(done.refunds[0], {
        id: `rfd_${second.paymentId}`,
        paymentId: second.paymentId,
        trigger: 'duplicate-capture',
        amount: { amount: 49_900 },
      });
      capturesAccountedFor(t, done);
      const { account } = await until(
        h,
        () => ledger(c, t),
        (l) => l.entries.length > 0,
        2,
      );
      t.is(account.balance.amount, 49_900, 'credited once; the duplicate never touched the ledger');
      const told = await until(
        h,
        () => steps(c, order.id),
        (s) => s.includes('refunded'),
        2,
      );
      t.true(told.includes('duplicate-capture'), `steps ${told}`);
    },
  );

  run('a second capture after expiry, the first already refunded → refunded too', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'expired',
      Math.ceil(h.maxAgeSeconds / h.intervalSeconds) + 3,
    );
    const first = await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds[0]?.status === 'processed',
      4,
    );
    const second = await pay(h, order.checkout.gatewayOrderId, { webhook: 'duplicate' });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.refunds.length === 2 && o.refunds.every((r: any) => r.status === 'processed'),
      6,
    );
    t.deepEqual(
      done.refunds.map((r: any) => r.id).sort(),
      [`rfd_${first.paymentId}`, `rfd_${second.paymentId}`].sort(),
    );
    t.is(done.status, 'expired');
    capturesAccountedFor(t, done);
    t.is((await ledger(c, t)).entries.length, 0, 'never credited');
  });

  run('an event claiming a mismatch for a correctly paid order → no refund, nothing debited', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    await until(
      h,
      () => ledger(c, t),
      (l) => l.entries.length > 0,
      2,
    );
    const now = await c.order(order.id);
    for (const type of ['payment.amount_mismatch', 'payment.late_succeeded', 'payment.duplicate_captured']) {
      await h.pushEvent({
        id: `${order.id}:${type}:pay_forged0000001`,
        type,
        orderId: order.id,
        customerId: c.customerId,
        amount: { amount: 100, currency: 'INR' },
        status: 'succeeded',
        paymentId: now.paymentId,
        source: 'webhook',
        occurredAt: new Date().toISOString(),
        refund: null,
      } as { id: string; type: string; orderId: string });
    }
    await h.settle();
    const after = await c.order(order.id);
    t.is(after.refunds.length, 0, 'the order owes nothing, whatever the event said');
    t.is(after.status, 'succeeded');
    t.is((await ledger(c, t)).account.balance.amount, 49_900);
  });

  run('operators: no key → 401, unknown key → 401, customers cannot refund', async (h, t) => {
    const c = await client(h);
    const order = await paidOrder(h, c);
    const none = await h.fetch(`/v1/orders/${order.id}/refunds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'x' },
      body: JSON.stringify({ reason: 'x' }),
    });
    t.is(none.status, 401, `no key → ${none.status}`);
    const unknown = await operator(
      h,
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { reason: 'x' },
      { 'idempotency-key': 'x' },
      'not-a-real-operator-key',
    );
    t.is(unknown.status, 401, `unknown key → ${unknown.status}`);
    const asCustomer = await c.call(
      'POST',
      `/v1/orders/${order.id}/refunds`,
      { reason: 'x' },
      { 'idempotency-key': 'x' },
    );
    t.is(asCustomer.status, 401, `customer token → ${asCustomer.status}`);
    const lookup = await operator(h, 'GET', `/v1/ops/orders/${order.id}`);
    t.is(lookup.status, 200, 'operator looks up any order');
    t.is(((await lookup.json()) as any).customerId, c.customerId, 'operator looks up any order');
    t.is((await c.order(order.id)).refunds.length, 0, 'nothing refunded');
  });
}
