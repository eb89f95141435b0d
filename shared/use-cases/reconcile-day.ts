import type { Money } from '../domain/money.ts';
import { isTerminal, needsStatusCheck } from '../domain/order.ts';
import type { Order, PaymentStatus } from '../domain/payment-types.ts';
import {
  classifyOrder,
  classifyPayment,
  classifyRefund,
  countDifference,
  type Difference,
  dayBounds,
  emptyCounts,
  type Finding,
  type ReconciliationCounts,
  reconciliationSummary,
  withResult,
} from '../domain/reconciliation.ts';
import { applyRefundStatus } from '../domain/refund.ts';
import type { GatewayPaymentRecord, GatewayRefundRecord } from '../ports/payment-gateway.ts';
import type { ReconciliationPhase, ReconciliationRun } from '../ports/reconciliation-store.ts';
import { applyGatewayStatus } from './apply-gateway-status.ts';
import { checkPaymentStatus } from './check-payment-status.ts';
import { commitOrderChange } from './commit-order-change.ts';
import type { Deps } from './deps.ts';
import { refundOwedPayments } from './refund-owed-payments.ts';

export type ReconcileDeps = Pick<
  Deps,
  | 'orders'
  | 'outbox'
  | 'bus'
  | 'tasks'
  | 'gateway'
  | 'clock'
  | 'ids'
  | 'logger'
  | 'settings'
  | 'reconciliations'
  | 'reconciliation'
  | 'channels'
>;

/** Razorpay's largest list page. */
const GATEWAY_PAGE = 100;
/** Orders read per page: a day of any size goes through in pages of this many, never all at once. */
const ORDER_PAGE = 200;

/**
 * Runs one reconciliation (the `reconciliations` task). For its business day it:
 *  1. settles every order of the day that is not yet terminal through the one-off status check (the same check and
 *     state machine as everything else), a bounded number at a time and within the gateway's rate limit;
 *  2. compares the gateway's payments of the day with our orders, our succeeded orders with the gateway's captures,
 *     and the gateway's refunds with ours, classifies every difference (shared/domain/reconciliation.ts) and takes the
 *     clear actions through the normal, idempotent flows;
 *  3. reads the day's settlement report, stores the report and tells finance through the notification channels.
 * Safe to repeat: a completed run is returned as it is; a killed or failed one runs again from the start (its actions
 * change nothing the second time, its differences are stored by key, its counts are recounted). The day is held by a
 * lease, so a second run of the same day waits (the task is retried) instead of running alongside.
 */
export async function reconcileRun(runId: string, deps: ReconcileDeps): Promise<ReconciliationRun | null> {
  const stored = await deps.reconciliations.get(runId);
  if (!stored) {
    deps.logger.log('WARNING', 'reconciliation task for an unknown run', { runId });
    return null;
  }
  if (stored.status === 'completed') {
    // told again: the run may have completed just before a crash kept finance from being told; each channel is
    // idempotent per run (the app webhook's delivery task is named after it)
    await notifyFinance(stored, deps);
    return stored;
  }
  // the day is held per attempt, not per run: a task redelivered while its first attempt still runs (a run longer
  // than the queue's dispatch deadline) must wait for it, not run the same run alongside
  const holder = `${runId}#${deps.ids.next('att')}`;
  if (!(await takeDay(stored, holder, deps))) {
    throw new Error(`${stored.day} is held by another reconciliation or attempt; retried later`);
  }
  const leased = { day: stored.day, holder };
  const log = deps.logger.child({ runId, day: stored.day });
  const startedAt = deps.clock.now().toISOString();
  await deps.reconciliations.update(runId, (r) => ({
    ...r,
    status: 'running',
    startedAt: r.startedAt ?? startedAt,
    finishedAt: null,
    attempts: r.attempts + 1,
    counts: emptyCounts(),
    progress: { phase: 'settling', orders: 0 },
    error: null,
  }));
  let done: ReconciliationRun | null;
  try {
    // an earlier attempt of this run started then: what it did before dying is found from there on
    const counts = await reconcile(stored, stored.startedAt, leased, { ...deps, logger: log });
    done = await deps.reconciliations.update(runId, (r) => ({
      ...r,
      status: 'completed',
      finishedAt: deps.clock.now().toISOString(),
      counts,
      progress: { phase: 'done', orders: counts.orders },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.log('ERROR', 'reconciliation failed; the task is retried and runs it again', { error: message });
    await deps.reconciliations.update(runId, (r) => ({
      ...r,
      status: 'failed',
      finishedAt: deps.clock.now().toISOString(),
      error: message,
    }));
    throw error;
  } finally {
    await deps.reconciliations.releaseLease(stored.day, holder);
  }
  // outside the run's try: a channel that fails leaves the run completed, and the retried task tells finance again
  if (done) await notifyFinance(done, deps);
  return done;
}

/** Who holds a day: one attempt of one run. */
interface Leased {
  readonly day: string;
  readonly holder: string;
}

function renewLease(lease: Leased, deps: ReconcileDeps): Promise<boolean> {
  const now = deps.clock.now();
  const expires = new Date(now.getTime() + deps.reconciliation.leaseSeconds * 1000);
  return deps.reconciliations.acquireLease(lease.day, lease.holder, now, expires).then((l) => l.acquired);
}

/**
 * Takes the day for this attempt: free or expired, or held by the run itself since it was started (queued), which
 * hands it on. Two attempts racing for that hand-over: only one takes it, the other finds the day held.
 */
async function takeDay(run: ReconciliationRun, holder: string, deps: ReconcileDeps): Promise<boolean> {
  const now = deps.clock.now();
  const expires = new Date(now.getTime() + deps.reconciliation.leaseSeconds * 1000);
  const first = await deps.reconciliations.acquireLease(run.day, holder, now, expires);
  if (first.acquired) return true;
  if (first.heldBy !== run.id) return false;
  await deps.reconciliations.releaseLease(run.day, run.id);
  return (await deps.reconciliations.acquireLease(run.day, holder, now, expires)).acquired;
}

/**
 * The status an order had before an earlier attempt of this run (one since `since`; null on a first attempt) settled
 * it, if one did: the run's checks mark their transitions `reconcile` in the order's own commit, so what an attempt
 * killed before recording it did is still found, and counted once, by the next.
 */
function settledByRun(order: Order, since: string | null): PaymentStatus | null {
  if (since === null) return null;
  const entry = order.timeline.find(
    (e) => e.kind === 'transition' && e.source === 'reconcile' && e.at >= since && isTerminal(e.to),
  );
  return entry ? (entry.from ?? 'created') : null;
}

/** Whether an earlier attempt of this run (see {@link settledByRun}) recorded the capture. */
function capturedByRun(order: Order, paymentId: string, since: string | null): boolean {
  if (since === null) return false;
  return order.timeline.some((e) => e.paymentId === paymentId && e.source === 'reconcile' && e.at >= since);
}

async function reconcile(
  run: ReconciliationRun,
  since: string | null,
  lease: Leased,
  deps: ReconcileDeps,
): Promise<ReconciliationCounts> {
  const { from, to } = dayBounds(run.day, run.timeZone);
  const dayFrom = from.toISOString();
  const dayTo = to.toISOString();
  const inDay = (order: Order) => order.createdAt >= dayFrom && order.createdAt < dayTo;
  const gate = rateGate(deps.reconciliation.gatewayRequestsPerSecond);
  let counts = emptyCounts();
  // renewed whenever a third of the lease has passed, checked after every order: a page that outlives the lease (a
  // slow gateway, a busy database) must not let a redelivered task take the day and run alongside
  let renewedAt = deps.clock.now().getTime();
  const keepLease = async () => {
    const now = deps.clock.now().getTime();
    if (now - renewedAt < (deps.reconciliation.leaseSeconds * 1000) / 3) return;
    renewedAt = now;
    if (!(await renewLease(lease, deps))) throw new Error('lost the lease of the day to another run or attempt');
  };
  const progress = async (phase: ReconciliationPhase) => {
    renewedAt = deps.clock.now().getTime();
    if (!(await renewLease(lease, deps))) throw new Error('lost the lease of the day to another run or attempt');
    const orders = counts.orders;
    await deps.reconciliations.update(run.id, (r) => ({ ...r, progress: { phase, orders } }));
  };
  const record = (differences: Difference[]) =>
    differences.length > 0 ? deps.reconciliations.putDifferences(run.id, differences) : Promise.resolve();

  // 1. settle: every order of the day not yet terminal gets one status check
  let settled = { ...counts.settled };
  let stillOpen = 0;
  let orders = 0;
  for await (const page of orderPages(deps, dayFrom, dayTo)) {
    const found: Difference[] = [];
    await forEachBounded(page, deps.reconciliation.concurrency, async (before) => {
      orders += 1;
      const was = settledByRun(before, since) ?? before.status;
      let after = before;
      if (needsStatusCheck(before, deps.clock.now(), deps.settings.paymentMaxAgeSeconds)) {
        await gate();
        const result = await checkPaymentStatus({ orderId: before.id, check: 0, chain: false }, deps, 'reconcile');
        await keepLease();
        if (result.outcome === 'unknown-order') return;
        after = result.order;
      } else if (was === before.status) return;
      if (after.status !== was && isTerminal(after.status)) {
        settled = { ...settled, [after.status]: settled[after.status as keyof typeof settled] + 1 };
        if (after.status === 'succeeded') {
          found.push(
            withResult(
              {
                kind: 'captured-not-succeeded',
                action: 'settle',
                orderId: after.id,
                paymentId: after.paymentId,
                refundId: null,
                gatewayRefundId: null,
                detail: `captured at the gateway, was ${was} here: settled by its status check`,
              },
              'done',
            ),
          );
        }
      } else if (!isTerminal(after.status)) {
        stillOpen += 1;
      }
      for (const capture of after.captures) {
        if (capture.accepted) continue;
        const known = before.captures.some((c) => c.paymentId === capture.paymentId);
        if (known && !capturedByRun(before, capture.paymentId, since)) continue;
        found.push(
          withResult(
            {
              kind: after.flags.includes('amount-mismatch') ? 'amount-mismatch' : 'unaccepted-capture',
              action: 'settle',
              orderId: after.id,
              paymentId: capture.paymentId,
              refundId: null,
              gatewayRefundId: null,
              detail: 'captured at the gateway, never accepted: recorded by its status check for the refund',
            },
            'done',
          ),
        );
      }
    });
    await record(found);
    counts = { ...counts, orders, settled, stillOpen };
    await progress('settling');
  }

  // 2. the gateway's payments of the day (and of the days an order may still be paid in) against our orders
  const windowTo = new Date(
    Math.min(deps.clock.now().getTime(), to.getTime() + deps.settings.paymentMaxAgeSeconds * 1000),
  );
  const captured = new Set<string>();
  const paymentOrders = new Map<string, string>();
  let gatewayPayments = 0;
  for (let skip = 0; ; skip += GATEWAY_PAGE) {
    await gate();
    const page = await deps.gateway.listPayments({ from, to: windowTo, count: GATEWAY_PAGE, skip });
    // one lookup per gateway order, many at once: a day's payments are looked up in parallel, a gateway order's own
    // payments one after another against the order as read once (as a sequential pass would see them)
    const byGatewayOrder = new Map<string, GatewayPaymentRecord[]>();
    for (const payment of page) {
      if (payment.status === 'captured') captured.add(payment.paymentId);
      const group = payment.gatewayOrderId ?? `payment:${payment.paymentId}`;
      byGatewayOrder.set(group, [...(byGatewayOrder.get(group) ?? []), payment]);
    }
    const found: Difference[] = [];
    await forEachBounded([...byGatewayOrder.values()], deps.reconciliation.concurrency, async (payments) => {
      const gatewayOrderId = payments[0]!.gatewayOrderId;
      const order = gatewayOrderId ? await deps.orders.findByGatewayOrderId(gatewayOrderId) : null;
      for (const payment of payments) {
        // a payment of another day's order is that day's business
        if (order && !inDay(order)) continue;
        if (order === null && !(payment.createdAt >= from && payment.createdAt < to)) continue;
        gatewayPayments += 1;
        if (order) paymentOrders.set(payment.paymentId, order.id);
        const f = classifyPayment(order, payment);
        if (f) found.push(await act(f, payment, deps));
      }
      await keepLease();
    });
    await record(found);
    // a long phase keeps the day: the lease is renewed every page, as in the first phase
    await progress('payments');
    if (page.length < GATEWAY_PAGE) break;
  }
  counts = { ...counts, gatewayPayments };
  await progress('payments');

  // 3. our successes against the gateway's captures
  for await (const page of orderPages(deps, dayFrom, dayTo)) {
    const found: Difference[] = [];
    for (const order of page) {
      const f = classifyOrder(order, (paymentId) => captured.has(paymentId));
      if (f) found.push(withResult(f, 'needs-person'));
    }
    await record(found);
  }
  await progress('orders');

  // 4. the gateway's refunds against ours
  let gatewayRefunds = 0;
  for (let skip = 0; ; skip += GATEWAY_PAGE) {
    await gate();
    const page = await deps.gateway.listRefunds({ from, to: windowTo, count: GATEWAY_PAGE, skip });
    const found: Difference[] = [];
    for (const refund of page) {
      const orderId = refund.notes.orderId ?? paymentOrders.get(refund.paymentId) ?? null;
      const order = orderId ? await deps.orders.get(orderId) : null;
      if (order && !inDay(order)) continue;
      if (order === null && !(refund.createdAt >= from && refund.createdAt < to)) continue;
      gatewayRefunds += 1;
      const f = classifyRefund(order, {
        refundId: refund.refundId,
        paymentId: refund.paymentId,
        amount: refund.amount,
        status: refund.status,
        ourRefundId: refund.notes.refundId ?? null,
      });
      if (f) found.push(await actOnRefund(f, refund, deps));
    }
    await record(found);
    await progress('refunds');
    if (page.length < GATEWAY_PAGE) break;
  }
  counts = { ...counts, gatewayRefunds };
  await progress('refunds');

  // 5. the settlement report of the day: what the gateway paid out and took back
  const [year, month, day] = run.day.split('-').map(Number) as [number, number, number];
  let settlementLines = 0;
  for (let skip = 0; ; skip += GATEWAY_PAGE) {
    await gate();
    const page = await deps.gateway.settlementReport({ year, month, day }, { count: GATEWAY_PAGE, skip });
    settlementLines += page.length;
    if (page.length < GATEWAY_PAGE) break;
  }
  counts = { ...counts, settlementLines };
  await progress('settlement');

  // differences are counted from the store: one per key, however often a phase or an earlier attempt found it
  for (let cursor: string | undefined; ; ) {
    const page = await deps.reconciliations.listDifferences(run.id, 500, cursor);
    for (const d of page.items) counts = countDifference(counts, d);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return counts;
}

/** Takes a payment finding's action through the normal flow. */
async function act(
  f: Finding,
  payment: { readonly paymentId: string; readonly amount: Money },
  deps: ReconcileDeps,
): Promise<Difference> {
  switch (f.action) {
    case 'report':
    case 'settle-refund':
      return withResult(f, 'needs-person');
    case 'settle': {
      if (!f.orderId) return withResult(f, 'needs-person');
      const applied = await applyGatewayStatus(
        f.orderId,
        { status: 'succeeded', source: 'reconcile', paymentId: payment.paymentId, paid: payment.amount },
        deps,
      );
      return withResult(
        f,
        applied.outcome === 'changed' ? 'done' : applied.outcome === 'unchanged' ? 'unchanged' : 'refused',
      );
    }
    case 'refund': {
      if (!f.orderId) return withResult(f, 'needs-person');
      // the order itself says what it owes: a capture never accepted is refunded once (`rfd_<paymentId>`)
      const { requested } = await refundOwedPayments(f.orderId, deps);
      return withResult(f, requested > 0 ? 'done' : 'unchanged');
    }
  }
}

/** Settles a refund the gateway has final and we still have in flight, through the refund state machine. */
async function actOnRefund(f: Finding, refund: GatewayRefundRecord, deps: ReconcileDeps): Promise<Difference> {
  if (f.action !== 'settle-refund' || !f.orderId || refund.status === 'pending') return withResult(f, 'needs-person');
  const status = refund.status;
  const done = await commitOrderChange(
    f.orderId,
    (order) =>
      applyRefundStatus(
        order,
        {
          gatewayRefundId: refund.refundId,
          ...(f.refundId ? { refundId: f.refundId } : {}),
          status,
          source: 'reconcile',
        },
        deps.clock.now(),
      ),
    deps,
  );
  return withResult(f, done?.result.outcome === 'changed' ? 'done' : 'unchanged');
}

/** Every order created in [from, to), a page at a time. */
async function* orderPages(deps: ReconcileDeps, from: string, to: string): AsyncGenerator<readonly Order[]> {
  for (let cursor: string | undefined; ; ) {
    const page = await deps.orders.listCreated(from, to, ORDER_PAGE, cursor);
    yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Runs `work` over `items`, at most `limit` at once. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Spaces calls at least 1/rate seconds apart. Elapsed real time (the monotonic `performance.now()`), not the Clock
 * port's business time: the gateway's limit is on real seconds, whatever time a test's clock says it is.
 */
function rateGate(perSecond: number): () => Promise<void> {
  const spacing = 1000 / perSecond;
  let nextAt = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, nextAt);
    nextAt = at + spacing;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

/** The run's summary for finance, through every notification channel (the log; the app webhook when configured). */
async function notifyFinance(run: ReconciliationRun, deps: ReconcileDeps): Promise<void> {
  const summary = reconciliationSummary(run, deps.clock.now());
  for (const channel of deps.channels) await channel.send(summary);
}
