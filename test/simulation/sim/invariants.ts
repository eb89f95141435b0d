import type { PendingDelivery } from '../../../shared/adapters/memory/delivery-loop.ts';
import type { LedgerEntry } from '../../../shared/domain/ledger.ts';
import { ledgerPlan } from '../../../shared/domain/ledger.ts';
import { canTransition, isTerminal, needsStatusCheck } from '../../../shared/domain/order.ts';
import type { Order, PaymentStatus } from '../../../shared/domain/payment-types.ts';
import type { AccountStore } from '../../../shared/ports/account-store.ts';
import type { NotificationStore } from '../../../shared/ports/notification-store.ts';
import type { TaskRequest } from '../../../shared/ports/task-queue.ts';

/** An invariant that did not hold: its name (one of {@link INVARIANTS}) and what was seen. */
export class Violation extends Error {
  constructor(
    readonly invariant: string,
    readonly detail: string,
  ) {
    super(`${invariant}: ${detail}`);
  }
}

/** The invariants, by the name a violation reports. */
export const INVARIANTS = {
  backwards: 'status never moves backwards',
  enteredTwice: 'no status entered twice',
  oneAccepted: 'at most one accepted capture per order',
  refundWithinCapture: 'no refund exceeds its capture',
  refundOfCapture: 'every refund is of a capture the order holds',
  oneAutoRefund: 'at most one automatic refund per payment',
  earlyExpiry: 'no order expires before its maximum age',
  forkedChain: 'at most one pending status check per order (no forked chains)',
  lostChain: 'an order that must be watched always has a status check pending (no lost chains)',
  ledgerSums: "each customer's ledger sums to the balance",
  ledgerPlan: 'credited = accepted capture − refunded, per order (the ledger never holds more)',
  terminal: 'every order ends terminal within its maximum age',
  rightStatus: 'every order ends in the status the gateway’s facts call for',
  captureKnown: 'every capture at the gateway is recorded on its order',
  captureAccounted: 'every capture is accepted or refunded in full',
  ledgerComplete: 'credited = accepted capture − refunded, per order (nothing missing at the end)',
  refundsFinal: 'every refund ends processed or failed',
  notified: 'one notification per step per order, every step told',
  delivered: 'every committed event reached every subscriber',
  tasksDone: 'no task given up',
  money: 'the gateway’s net takings equal the sum of the balances',
} as const;

/** What the invariants read: the world's stores, as they are between two steps. */
export interface WorldView {
  readonly now: Date;
  readonly maxAgeSeconds: number;
  readonly customers: readonly string[];
  readonly orders: readonly Order[];
  readonly accounts: AccountStore;
  readonly notifications: NotificationStore;
  readonly pendingTasks: readonly PendingDelivery<TaskRequest>[];
}

/** A payment the simulated customer made at the gateway: the facts the product must end up agreeing with. */
export interface GatewayPayment {
  readonly orderId: string;
  readonly paymentId: string;
  readonly captured: boolean;
  readonly amount: number;
  readonly at: number;
}

/** What the end-of-run checks read besides the world: the gateway's facts. */
export interface GatewayFacts {
  readonly payments: readonly GatewayPayment[];
  /** Amount refunded at the gateway, per captured payment. */
  readonly refunded: ReadonlyMap<string, number>;
  /** Whether the latest reconciliation of the payment's day lists it for a person. */
  listedForPerson(paymentId: string): Promise<boolean>;
}

function fail(invariant: keyof typeof INVARIANTS, detail: string): never {
  throw new Violation(INVARIANTS[invariant], detail);
}

async function allEntries(accounts: AccountStore, customerId: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await accounts.entries(customerId, 100, cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * The simulator's invariants: `afterStep` after every step (what must hold at every instant), `atEnd` once every
 * delivery has run (what must hold when the dust settles). Both throw a {@link Violation}.
 */
export class Invariants {
  checks = 0;
  private readonly lastStatus = new Map<string, PaymentStatus>();

  async afterStep(view: WorldView): Promise<void> {
    const chains = new Map<string, { fresh: number; any: number }>();
    for (const { item, attempts } of view.pendingTasks) {
      if (item.queue !== 'status-checks') continue;
      const body = item.body as { orderId: string; chain: boolean };
      if (!body.chain) continue;
      const c = chains.get(body.orderId) ?? { fresh: 0, any: 0 };
      c.any += 1;
      // a task redelivered after its successor was enqueued is the same chain, not a fork
      if (attempts === 0) c.fresh += 1;
      chains.set(body.orderId, c);
    }
    const byId = new Map(view.orders.map((o) => [o.id, o]));
    for (const order of view.orders) {
      this.order(order, view, chains.get(order.id));
    }
    for (const customerId of view.customers) {
      const account = await view.accounts.get(customerId);
      const entries = await allEntries(view.accounts, customerId);
      this.checks += 1;
      const sum = entries.reduce((n, e) => n + (e.kind === 'credit' ? e.amount.amount : -e.amount.amount), 0);
      if (sum !== account.balance.amount)
        fail('ledgerSums', `${customerId}: entries sum to ${sum}, balance ${account.balance.amount}`);
      if (new Set(entries.map((e) => e.id)).size !== entries.length)
        fail('ledgerSums', `${customerId}: an entry twice`);
      this.checks += 1;
      for (const entry of entries) {
        const order = byId.get(entry.orderId);
        const plan = order ? ledgerPlan(order) : [];
        const planned = plan.find((d) => d.id === entry.id);
        if (!planned || planned.amount.amount !== entry.amount.amount) {
          fail(
            'ledgerPlan',
            `${customerId}: entry ${entry.id} (${entry.kind} ${entry.amount.amount}) is not owed by ${entry.orderId} (${order?.status}, flags ${order?.flags})`,
          );
        }
      }
    }
  }

  private order(order: Order, view: WorldView, chain: { fresh: number; any: number } | undefined): void {
    const prev = this.lastStatus.get(order.id);
    this.checks += 1;
    if (prev && prev !== order.status && !canTransition(prev, order.status)) {
      fail('backwards', `${order.id}: ${prev} → ${order.status}`);
    }
    this.lastStatus.set(order.id, order.status);
    const transitions = order.timeline.filter((e) => e.kind === 'transition').map((e) => e.to);
    this.checks += 1;
    if (new Set(transitions).size !== transitions.length)
      fail('enteredTwice', `${order.id}: ${transitions.join(' → ')}`);
    this.checks += 1;
    if (order.captures.filter((c) => c.accepted).length > 1) fail('oneAccepted', order.id);
    const auto = new Set<string>();
    for (const refund of order.refunds) {
      this.checks += 2;
      if (!order.captures.some((c) => c.paymentId === refund.paymentId)) {
        fail('refundOfCapture', `${order.id}: ${refund.id} of ${refund.paymentId}`);
      }
      if (refund.trigger !== 'operator') {
        if (auto.has(refund.paymentId))
          fail('oneAutoRefund', `${order.id}: a second automatic refund of ${refund.paymentId}`);
        auto.add(refund.paymentId);
      }
    }
    for (const capture of order.captures) {
      this.checks += 1;
      const committed = order.refunds
        .filter((r) => r.paymentId === capture.paymentId && r.status !== 'failed')
        .reduce((n, r) => n + r.amount.amount, 0);
      if (committed > capture.amount.amount) {
        fail(
          'refundWithinCapture',
          `${order.id}: ${committed} refunded of ${capture.paymentId}'s ${capture.amount.amount}`,
        );
      }
    }
    this.checks += 1;
    if (order.status === 'expired') {
      const at = order.timeline.find((e) => e.kind === 'transition' && e.to === 'expired')!.at;
      if (Date.parse(at) - Date.parse(order.createdAt) < view.maxAgeSeconds * 1000) {
        fail('earlyExpiry', `${order.id}: created ${order.createdAt}, expired ${at}`);
      }
    }
    this.checks += 2;
    if ((chain?.fresh ?? 0) > 1) fail('forkedChain', `${order.id}: ${chain!.fresh} chains pending`);
    if (needsStatusCheck(order, view.now, view.maxAgeSeconds) && (chain?.any ?? 0) === 0) {
      fail('lostChain', `${order.id} is ${order.status} and nothing will check it again`);
    }
  }

  /** Once every delivery has run and every refund settled at the gateway. */
  async atEnd(
    view: WorldView,
    facts: GatewayFacts,
    subscribersDone: { outbox: number; pushes: number; deadLetters: number; givenUpTasks: number },
  ): Promise<void> {
    await this.afterStep(view);
    for (const order of view.orders) {
      this.checks += 1;
      if (!isTerminal(order.status) || needsStatusCheck(order, view.now, view.maxAgeSeconds)) {
        fail('terminal', `${order.id} is still ${order.status}`);
      }
      const payments = facts.payments.filter((p) => p.orderId === order.id);
      const right = payments.filter((p) => p.captured && p.amount === order.amount.amount);
      const deadline = Date.parse(order.createdAt) + view.maxAgeSeconds * 1000;
      this.checks += 1;
      if (right.some((p) => p.at < deadline)) {
        if (order.status !== 'succeeded') fail('rightStatus', `${order.id}: paid in time, yet ${order.status}`);
      } else if (right.length > 0) {
        if (order.status === 'failed') fail('rightStatus', `${order.id}: paid late, yet failed`);
      } else if (order.status === 'succeeded') {
        fail('rightStatus', `${order.id}: succeeded without a capture of its amount`);
      }
      for (const p of payments.filter((x) => x.captured)) {
        this.checks += 2;
        const capture = order.captures.find((c) => c.paymentId === p.paymentId);
        if (!capture) fail('captureKnown', `${order.id}: ${p.paymentId} captured at the gateway, not on the order`);
        const processed = order.refunds
          .filter((r) => r.paymentId === p.paymentId && r.status === 'processed')
          .reduce((n, r) => n + r.amount.amount, 0);
        const keep = capture.accepted && !order.flags.includes('credit-failed');
        // money the bank would not give back (its refund failed) is for a person: the reconciliation must list it
        console.log(
          JSON.stringify(
            {
              flags: order.flags,
              captures: order.captures,
              refunds: order.refunds.map((r) => [r.id, r.trigger, r.amount.amount, r.status]),
              timeline: order.timeline.map((e) => [e.at, e.kind, e.to]),
            },
            null,
            1,
          ),
        );
        if (!keep && processed !== capture.amount.amount && !(await facts.listedForPerson(p.paymentId))) {
          fail(
            'captureAccounted',
            `${order.id}: ${p.paymentId} not accepted (${capture.cause ?? 'credit failed'}), ${processed} of ${capture.amount.amount} refunded, and no reconciliation lists it for a person`,
          );
        }
        if ((facts.refunded.get(p.paymentId) ?? 0) !== processed) {
          fail(
            'money',
            `${p.paymentId}: the gateway refunded ${facts.refunded.get(p.paymentId) ?? 0}, the order says ${processed}`,
          );
        }
      }
      for (const refund of order.refunds) {
        this.checks += 1;
        if (refund.status !== 'processed' && refund.status !== 'failed')
          fail('refundsFinal', `${order.id}: ${refund.id} ${refund.status}`);
      }
    }
    let balances = 0;
    for (const customerId of view.customers) {
      const entries = await allEntries(view.accounts, customerId);
      balances += (await view.accounts.get(customerId)).balance.amount;
      const posted = new Set(entries.map((e) => e.id));
      for (const order of view.orders.filter((o) => o.customerId === customerId)) {
        this.checks += 1;
        const missing = ledgerPlan(order).filter((d) => !posted.has(d.id));
        if (missing.length > 0)
          fail('ledgerComplete', `${order.id}: ${missing.map((d) => d.id).join(', ')} never posted`);
      }
      const told = new Map<string, Set<string>>();
      let cursor: string | undefined;
      do {
        const page = await view.notifications.list(customerId, 100, cursor);
        for (const n of page.items) {
          const steps = told.get(n.orderId) ?? new Set();
          const key = n.id.slice(n.orderId.length + 1);
          this.checks += 1;
          if (steps.has(key)) fail('notified', `${n.orderId}: ${key} twice`);
          steps.add(key);
          told.set(n.orderId, steps);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      for (const order of view.orders.filter((o) => o.customerId === customerId)) {
        const steps = told.get(order.id) ?? new Set();
        for (const entry of order.timeline.filter((e) => e.kind === 'transition')) {
          this.checks += 1;
          if (!steps.has(entry.to)) fail('notified', `${order.id}: never told ${entry.to}`);
        }
        for (const refund of order.refunds.filter((r) => r.status === 'processed')) {
          this.checks += 1;
          if (!steps.has(`refunded:${refund.id}`))
            fail('notified', `${order.id}: never told ${refund.id} was refunded`);
        }
      }
    }
    const net = facts.payments
      .filter((p) => p.captured)
      .reduce((n, p) => n + p.amount - (facts.refunded.get(p.paymentId) ?? 0), 0);
    this.checks += 1;
    // money never accepted, whose refund the bank refused, is held for a person to give back (see captureAccounted)
    let held = 0;
    for (const order of view.orders) {
      for (const capture of order.captures) {
        if (capture.accepted && !order.flags.includes('credit-failed')) continue;
        held += capture.amount.amount - (facts.refunded.get(capture.paymentId) ?? 0);
      }
    }
    if (net !== balances + held) fail('money', `gateway net ${net}, balances ${balances}, held for a person ${held}`);
    this.checks += 4;
    if (subscribersDone.outbox > 0) fail('delivered', `${subscribersDone.outbox} committed events never published`);
    if (subscribersDone.pushes > 0) fail('delivered', `${subscribersDone.pushes} pushes still pending`);
    if (subscribersDone.deadLetters > 0) fail('delivered', `${subscribersDone.deadLetters} pushes dead-lettered`);
    if (subscribersDone.givenUpTasks > 0) fail('tasksDone', `${subscribersDone.givenUpTasks} tasks given up`);
  }
}
