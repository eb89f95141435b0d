import type { ExecutionContext, TestFn } from 'ava';
import { type Client, client, type Harness, operator, pay, scenarioRunner, until } from './harness.ts';

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The business day (Asia/Kolkata) an ISO instant falls on. */
export function istDay(iso: string): string {
  return new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 10);
}

/** Starts a run of `day` by hand and waits for its report; a day another run holds is retried. */
export async function reconcile(h: Harness, t: ExecutionContext, day: string): Promise<any> {
  let started: Response | null = null;
  for (let i = 0; i < 30; i++) {
    started = await operator(h, 'POST', '/v1/ops/reconciliations', { date: day });
    if (started.status !== 409) break;
    await h.passInterval();
  }
  const body = (await started!.json()) as any;
  t.is(started!.status, 202, `start → ${started!.status} ${JSON.stringify(body)}`);
  t.true(['queued', 'running', 'completed'].includes(body.status));
  const report = await until(
    h,
    async () => (await operator(h, 'GET', `/v1/ops/reconciliations/${body.id}?limit=500`)).json() as Promise<any>,
    (r) => r.status === 'completed' || r.status === 'failed',
    30,
  );
  t.is(report.status, 'completed', `run ${report.id}: ${report.status} ${report.error ?? ''}`);
  return report;
}

/**
 * The promises of reconciliation, written once and run on every stack. `checksRunOnTheirOwn`: the stack's status
 * checks run in real time (the emulator topology), so some orders may be settled by their own chain before the run
 * does it; the outcome asserted then is the order's, not who reached it.
 */
export function registerReconciliationScenarios(
  test: TestFn,
  label: string,
  acquire: () => Promise<Harness>,
  release: (h: Harness) => Promise<void>,
  options: { readonly checksRunOnTheirOwn: boolean },
) {
  const run = scenarioRunner(test, label, acquire, release);

  async function paidOrder(h: Harness, c: Client) {
    const order = await c.createOrder();
    const paid = await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'succeeded',
      2,
    );
    return { order, paymentId: paid.paymentId };
  }

  run(
    'reconciliation: lost webhooks, failures, unpaid, amount mismatch, second capture, lost refund webhook → each in its outcome; a second run changes nothing',
    async (h, t) => {
      const c = await client(h);
      // a success whose webhook was lost
      const lostSuccess = await c.createOrder();
      const lostPay = await pay(h, lostSuccess.checkout.gatewayOrderId, { webhook: 'drop' });
      // a failure whose webhook was lost
      const lostFailure = await c.createOrder();
      await pay(h, lostFailure.checkout.gatewayOrderId, { outcome: 'failure', webhook: 'drop' });
      // never paid
      const unpaid = await c.createOrder();
      // paid the wrong amount, webhook lost
      const mismatch = await c.createOrder();
      const mismatchPay = await pay(h, mismatch.checkout.gatewayOrderId, { amount: 100, webhook: 'drop' });
      // paid, then captured a second time (webhook lost)
      const twice = await paidOrder(h, c);
      const second = await pay(h, twice.order.checkout.gatewayOrderId, { webhook: 'drop' });
      // refunded by an operator; the gateway processed it, its webhook was lost
      const refunded = await paidOrder(h, c);
      const behave = await h.fetch(`/sandbox/control/payments/${refunded.paymentId}/refund-behaviour`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'processed', webhook: 'drop' }),
      });
      t.true(behave.ok);
      const refundRes = await operator(
        h,
        'POST',
        `/v1/orders/${refunded.order.id}/refunds`,
        { amount: 5_000, reason: 'goodwill' },
        { 'idempotency-key': `rec-${refunded.order.id}` },
      );
      t.is(refundRes.status, 201);
      await h.settle();
      if (!options.checksRunOnTheirOwn) {
        t.is((await c.order(lostSuccess.id)).status, 'created', 'nothing settled the lost success before the run');
      }

      const day = istDay(lostSuccess.createdAt);
      const first = await reconcile(h, t, day);
      t.is(first.day, day);
      t.is(first.trigger, 'manual');
      const ours = new Set([lostSuccess.id, lostFailure.id, unpaid.id, mismatch.id, twice.order.id, refunded.order.id]);
      const mine = (report: any) => (report.differences as any[]).filter((d) => ours.has(d.orderId));
      const diff = (report: any, orderId: string) => mine(report).filter((d) => d.orderId === orderId);
      // with checks running on their own, the order's own chain may take the same step between the run's finding and
      // its action: the action then finds it done already ('unchanged')
      const acted = (result: string) => result === 'done' || (options.checksRunOnTheirOwn && result === 'unchanged');

      // each order in its outcome
      t.is((await c.order(lostSuccess.id)).status, 'succeeded', 'the lost success is settled');
      const lost = diff(first, lostSuccess.id);
      if (!options.checksRunOnTheirOwn) {
        t.deepEqual(
          lost.map((d) => [d.kind, d.action, d.result, d.paymentId]),
          [['captured-not-succeeded', 'settle', 'done', lostPay.paymentId]],
        );
      } else t.true(lost.every((d) => d.kind === 'captured-not-succeeded' && d.result === 'done'));
      t.is((await c.order(lostFailure.id)).status, 'failed', 'the lost failure is settled');
      t.deepEqual(diff(first, lostFailure.id), [], 'a failure is no difference');
      t.true(['created', 'expired'].includes((await c.order(unpaid.id)).status), 'unpaid: open or expired');
      t.deepEqual(diff(first, unpaid.id), [], 'an unpaid order is no difference');
      const mismatched = diff(first, mismatch.id);
      if (!options.checksRunOnTheirOwn) t.true(mismatched.length >= 1, 'the amount mismatch is reported');
      t.true(
        mismatched.every(
          (d) => d.kind === 'amount-mismatch' && d.paymentId === mismatchPay.paymentId && acted(d.result),
        ),
        JSON.stringify(mismatched),
      );
      const refundedMismatch = await until(
        h,
        () => c.order(mismatch.id),
        (o) => o.refunds[0]?.status === 'processed',
        3,
      );
      t.is(refundedMismatch.refunds.length, 1, 'the mismatched payment is refunded once');
      t.is(refundedMismatch.refunds[0].id, `rfd_${mismatchPay.paymentId}`);
      // with status checks running on their own, the order's last check may refund the second capture while the
      // run is between its payments and its refunds: the run then also settles that refund (processed at the
      // gateway, its webhook still in flight). Either way there is one finding of the capture and one refund.
      const secondCapture = diff(first, twice.order.id);
      const refundSettled = (d: any) =>
        options.checksRunOnTheirOwn &&
        d.kind === 'refund-state' &&
        d.action === 'settle-refund' &&
        d.paymentId === second.paymentId &&
        acted(d.result);
      const captureFound = secondCapture.filter((d) => !refundSettled(d));
      if (!options.checksRunOnTheirOwn || captureFound.length > 0) {
        t.deepEqual(
          captureFound.map((d) => [d.kind, d.paymentId]),
          [['unaccepted-capture', second.paymentId]],
          'the second capture is found',
        );
        t.true(acted(captureFound[0]?.result) || captureFound[0]?.result === 'refused', captureFound[0]?.result);
      }
      // whoever found it (the run, or the order's own last status check), the second capture is refunded
      const twiceAfter = await until(
        h,
        () => c.order(twice.order.id),
        // processed, not only made: a refund whose webhook is still in flight would give the second run a refund to
        // settle
        (o) => o.refunds.some((r: any) => r.paymentId === second.paymentId && r.status === 'processed'),
        3,
      );
      t.is(
        twiceAfter.refunds.filter((r: any) => r.paymentId === second.paymentId).length,
        1,
        'the second capture is refunded once, whoever found it',
      );
      t.like(
        twiceAfter.captures.find((p: any) => p.paymentId === second.paymentId),
        { accepted: false },
        'the second capture is recorded, not accepted',
      );
      const refundDiff = diff(first, refunded.order.id);
      t.true(
        refundDiff.every((d) => d.kind === 'refund-state' && d.action === 'settle-refund' && acted(d.result)),
        JSON.stringify(refundDiff),
      );
      if (!options.checksRunOnTheirOwn) t.is(refundDiff.length, 1, 'the lost refund webhook is made up for');
      t.is((await c.order(refunded.order.id)).refunds[0].status, 'processed', 'the refund is processed here too');

      // the counts match the differences
      const byKind: Record<string, number> = {};
      const byResult: Record<string, number> = {};
      for (const d of first.differences) {
        byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
        byResult[d.result] = (byResult[d.result] ?? 0) + 1;
      }
      for (const [kind, n] of Object.entries(first.counts.differences)) t.is(n, byKind[kind] ?? 0, `count of ${kind}`);
      for (const [result, n] of Object.entries(first.counts.results))
        t.is(n, byResult[result] ?? 0, `count of ${result}`);
      t.true(first.counts.orders >= 6, `orders ${first.counts.orders}`);
      if (!options.checksRunOnTheirOwn) {
        t.true(first.counts.settled.succeeded >= 1 && first.counts.settled.failed >= 1, JSON.stringify(first.counts));
      }

      // the CSV parses, a row per difference
      const csv = await operator(h, 'GET', `/v1/ops/reconciliations/${first.id}`, undefined, { accept: 'text/csv' });
      t.is(csv.status, 200);
      t.regex(csv.headers.get('content-type') ?? '', /^text\/csv/);
      const rows = parseCsv(await csv.text());
      t.deepEqual(rows[0], [
        'kind',
        'action',
        'result',
        'orderId',
        'paymentId',
        'refundId',
        'gatewayRefundId',
        'detail',
      ]);
      t.is(rows.length - 1, first.differences.length, 'one row per difference');
      t.true(rows.slice(1).every((r) => r.length === 8));

      // listed with the others
      const listed = (await (await operator(h, 'GET', '/v1/ops/reconciliations?limit=100')).json()) as any;
      t.true(listed.items.some((r: any) => r.id === first.id));

      // a second run: nothing changes, nothing new to act on
      const before = await Promise.all([...ours].map((id) => c.order(id)));
      const again = await reconcile(h, t, day);
      t.not(again.id, first.id);
      t.deepEqual(
        mine(again).filter((d) => d.result === 'done'),
        [],
        'the second run takes no action',
      );
      const personKeys = (r: any) =>
        mine(r)
          .filter((d) => d.result === 'needs-person' || d.result === 'refused')
          .map((d) => d.key)
          .sort();
      t.deepEqual(personKeys(again), personKeys(first), 'the same items for a person, nothing new');
      const after = await Promise.all([...ours].map((id) => c.order(id)));
      t.deepEqual(
        after.map((o) => [o.id, o.status, o.refunds.length, o.refundedAmount.amount]),
        before.map((o) => [o.id, o.status, o.refunds.length, o.refundedAmount.amount]),
        'no order moved, no refund added',
      );
      const entries = (await c.json('GET', '/v1/account/entries?limit=100')).items as any[];
      t.is(new Set(entries.map((e) => e.id)).size, entries.length, 'no ledger entry twice');
    },
  );

  run('reconciliation by hand: finance only; bad days are 400; a day being reconciled is 409', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const day = istDay(order.createdAt);
    t.is(
      (await operator(h, 'POST', '/v1/ops/reconciliations', { date: day }, {}, 'not-a-key-at-all-0000')).status,
      401,
    );
    for (const body of [
      { date: '2026-02-30' },
      { date: 'yesterday' },
      { from: day, to: '2001-01-01' },
      {},
      { date: '2999-01-01' },
    ]) {
      const res = await operator(h, 'POST', '/v1/ops/reconciliations', body);
      t.is(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      t.regex(res.headers.get('content-type') ?? '', /problem\+json/);
    }
    const [a, b] = await Promise.all([
      operator(h, 'POST', '/v1/ops/reconciliations', { date: day }),
      operator(h, 'POST', '/v1/ops/reconciliations', { date: day }),
    ]);
    const statuses = [a.status, b.status].sort();
    const startedRuns = await Promise.all([a, b].filter((r) => r.status === 202).map((r) => r.json() as Promise<any>));
    const finished = await Promise.all(
      startedRuns.map((started) =>
        until(
          h,
          async () => (await operator(h, 'GET', `/v1/ops/reconciliations/${started.id}`)).json() as Promise<any>,
          (r) => r.status === 'completed',
          30,
        ),
      ),
    );
    t.true(finished.every((r) => r.status === 'completed'));
    if (!options.checksRunOnTheirOwn || statuses[1] === 409) {
      t.deepEqual(statuses, [202, 409], 'one run of a day at a time');
    } else {
      // real time: the first run may have finished before the second request arrived; they must never overlap
      t.deepEqual(statuses, [202, 202]);
      const [x, y] = finished.sort((p, q) => (p.startedAt < q.startedAt ? -1 : 1));
      t.true(
        x.finishedAt <= y.startedAt,
        `runs overlap: ${JSON.stringify([x, y].map((r) => [r.startedAt, r.finishedAt]))}`,
      );
    }
    t.is((await operator(h, 'GET', '/v1/ops/reconciliations/rec_nope')).status, 404);
  });
}
