import { formatMoney, type Money, sameMoney } from './money.ts';
import type { Order, RefundStatus } from './payment-types.ts';

/**
 * Reconciliation: our books against the gateway's for one business day. Pure: the use case gathers the records
 * (paged, streamed) and calls these functions one entity at a time, so a day of any size is classified in pages.
 */

/** The kinds of difference between our books and the gateway's. A closed union: every one is handled below. */
export const DIFFERENCE_KINDS = [
  'captured-not-succeeded',
  'succeeded-not-captured',
  'unaccepted-capture',
  'amount-mismatch',
  'refund-state',
  'unknown-refund',
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/**
 * What is done about a difference. Every action goes through a normal, idempotent flow, so a run repeated (or two
 * runs at once) can never act twice: `settle` applies the gateway's payment as an observation (the state machine
 * settles or records it), `refund` requests the automatic refund (`rfd_<paymentId>`), `settle-refund` applies the
 * gateway's refund status. `report` is for a person.
 */
export const DIFFERENCE_ACTIONS = ['settle', 'refund', 'settle-refund', 'report'] as const;
export type DifferenceAction = (typeof DIFFERENCE_ACTIONS)[number];

/** How the action went: `done` changed our books, `unchanged` found them already right, `needs-person` is a report. */
export const ACTION_RESULTS = ['done', 'unchanged', 'refused', 'needs-person'] as const;
export type ActionResult = (typeof ACTION_RESULTS)[number];

export interface Difference {
  /** `<kind>:<entity id>`: one difference per entity, so a repeated run overwrites instead of adding. */
  readonly key: string;
  readonly kind: DifferenceKind;
  readonly orderId: string | null;
  readonly paymentId: string | null;
  /** Our refund id, where we have the refund. */
  readonly refundId: string | null;
  readonly gatewayRefundId: string | null;
  readonly detail: string;
  readonly action: DifferenceAction;
  readonly result: ActionResult;
}

/** What the gateway's books say of one payment, as reconciliation reads it. */
export interface GatewayPaymentFacts {
  readonly paymentId: string;
  readonly amount: Money;
  readonly status: 'captured' | 'failed' | 'in-flight';
}

/** What the gateway's books say of one refund. */
export interface GatewayRefundFacts {
  readonly refundId: string;
  readonly paymentId: string;
  readonly amount: Money;
  readonly status: Exclude<RefundStatus, 'requested'>;
  /** Our refund id, from the notes we attached at creation. */
  readonly ourRefundId: string | null;
}

/** A difference before its action ran: the result is filled in by whoever takes the action. */
export type Finding = Omit<Difference, 'result' | 'key'>;

function finding(
  kind: DifferenceKind,
  action: DifferenceAction,
  fields: Partial<Finding> & { detail: string },
): Finding {
  return {
    kind,
    action,
    orderId: fields.orderId ?? null,
    paymentId: fields.paymentId ?? null,
    refundId: fields.refundId ?? null,
    gatewayRefundId: fields.gatewayRefundId ?? null,
    detail: fields.detail,
  };
}

/** The key a finding is stored under: one per kind and entity (the gateway's refund, else the payment). */
export function differenceKey(f: Finding): string {
  return `${f.kind}:${f.gatewayRefundId ?? f.paymentId ?? f.orderId ?? 'none'}`;
}

/** Completes a finding with the result of its action. */
export function withResult(f: Finding, result: ActionResult): Difference {
  return { ...f, key: differenceKey(f), result: f.action === 'report' ? 'needs-person' : result };
}

/**
 * One gateway payment against the order it belongs to (null: no order of ours has its gateway order). Returns null
 * when the books agree. A captured payment the order does not hold is applied as an observation (`settle`): the state
 * machine accepts it, or records it as unaccepted (wrong amount, after expiry) for the automatic refund. A capture
 * the order holds but never accepted must have a refund; without one it is refunded.
 */
export function classifyPayment(order: Order | null, payment: GatewayPaymentFacts): Finding | null {
  if (payment.status !== 'captured') return null;
  const paid = formatMoney(payment.amount);
  if (order === null) {
    return finding('captured-not-succeeded', 'report', {
      paymentId: payment.paymentId,
      detail: `captured ${paid} at the gateway for an order we have no record of`,
    });
  }
  const ids = { orderId: order.id, paymentId: payment.paymentId };
  const capture = order.captures.find((c) => c.paymentId === payment.paymentId);
  if (!capture) {
    if (!sameMoney(payment.amount, order.amount)) {
      return finding('amount-mismatch', 'settle', {
        ...ids,
        detail: `captured ${paid}, order is ${formatMoney(order.amount)}`,
      });
    }
    if (order.status === 'succeeded') {
      return finding('unaccepted-capture', 'settle', {
        ...ids,
        detail: `a second capture of ${paid}; the order succeeded with ${order.paymentId}`,
      });
    }
    return finding('captured-not-succeeded', 'settle', {
      ...ids,
      detail: `captured ${paid}, order is ${order.status}`,
    });
  }
  if (!sameMoney(capture.amount, payment.amount)) {
    return finding('amount-mismatch', 'report', {
      ...ids,
      detail: `we recorded ${formatMoney(capture.amount)}, the gateway captured ${paid}`,
    });
  }
  const kept = capture.accepted && !order.flags.includes('credit-failed');
  const given = order.refunds
    .filter((r) => r.paymentId === payment.paymentId && r.status !== 'failed')
    .reduce((n, r) => n + r.amount.amount, 0);
  // Money we do not keep, its automatic refund already asked, yet not all given back: the bank refused that refund,
  // or an operator's refund that the automatic one left out. Asking the same again is refused, so a person does it.
  const autoRefund = order.refunds.find((r) => r.trigger !== 'operator' && r.paymentId === payment.paymentId);
  if (!kept && autoRefund && given < capture.amount.amount) {
    const why = capture.accepted ? 'the account could not be credited' : 'never accepted';
    const held = formatMoney({ amount: capture.amount.amount - given, currency: capture.amount.currency });
    const failed =
      autoRefund.status === 'failed' ? 'its automatic refund failed at the bank' : 'a refund failed at the bank';
    return finding('unaccepted-capture', 'report', {
      ...ids,
      detail: `captured ${paid}, ${why}; ${failed}, ${held} is still held: refund it another way`,
    });
  }
  if (kept || given >= capture.amount.amount) return null;
  // not kept, not all given back, no automatic refund yet (an operator refund that failed had covered it): owed
  const kind = capture.accepted || sameMoney(payment.amount, order.amount) ? 'unaccepted-capture' : 'amount-mismatch';
  return finding(kind, 'refund', {
    ...ids,
    detail: capture.accepted
      ? `captured ${paid}, the account could not be credited, and it is not refunded`
      : `captured ${paid}, never accepted and not refunded`,
  });
}

/**
 * One order of ours against the set of payments the gateway captured: a success whose payment the gateway does not
 * hold as captured is for a person (money we credited and may not have).
 */
export function classifyOrder(order: Order, capturedAtGateway: (paymentId: string) => boolean): Finding | null {
  if (order.status !== 'succeeded') return null;
  const accepted = order.captures.find((c) => c.accepted);
  const paymentId = accepted?.paymentId ?? order.paymentId;
  if (paymentId && capturedAtGateway(paymentId)) return null;
  return finding('succeeded-not-captured', 'report', {
    orderId: order.id,
    ...(paymentId ? { paymentId } : {}),
    detail: `succeeded here with ${paymentId ?? 'no payment'}, which the gateway does not list as captured`,
  });
}

/**
 * One gateway refund against the order of its payment. A refund still in flight here that the gateway has settled
 * is settled through the refund state machine; a final state that disagrees, or a refund we never made, is for a
 * person.
 */
export function classifyRefund(order: Order | null, refund: GatewayRefundFacts): Finding | null {
  const ids = { gatewayRefundId: refund.refundId, paymentId: refund.paymentId };
  const ours =
    order?.refunds.find(
      (r) => r.gatewayRefundId === refund.refundId || (refund.ourRefundId !== null && r.id === refund.ourRefundId),
    ) ?? null;
  if (order === null || ours === null) {
    return finding('unknown-refund', 'report', {
      ...ids,
      ...(order ? { orderId: order.id } : {}),
      detail: `a ${refund.status} refund of ${formatMoney(refund.amount)} at the gateway we have no record of`,
    });
  }
  const full = { ...ids, orderId: order.id, refundId: ours.id };
  if (ours.status === refund.status) return null;
  const oursFinal = ours.status === 'processed' || ours.status === 'failed';
  if (refund.status === 'pending') {
    return oursFinal
      ? finding('refund-state', 'report', { ...full, detail: `${ours.status} here, still pending at the gateway` })
      : null;
  }
  if (oursFinal) {
    return finding('refund-state', 'report', {
      ...full,
      detail: `${ours.status} here, ${refund.status} at the gateway`,
    });
  }
  return finding('refund-state', 'settle-refund', {
    ...full,
    detail: `${ours.status} here, ${refund.status} at the gateway`,
  });
}

/** Counts a run reports: the orders it went through and what became of them, and its differences by kind and result. */
export interface ReconciliationCounts {
  readonly orders: number;
  /** Orders a status check moved, by the status they reached. */
  readonly settled: { readonly succeeded: number; readonly failed: number; readonly expired: number };
  /** Orders still waiting for the customer to pay (not past their maximum age). */
  readonly stillOpen: number;
  readonly gatewayPayments: number;
  readonly gatewayRefunds: number;
  readonly settlementLines: number;
  readonly differences: Readonly<Record<DifferenceKind, number>>;
  readonly results: Readonly<Record<ActionResult, number>>;
}

export function emptyCounts(): ReconciliationCounts {
  return {
    orders: 0,
    settled: { succeeded: 0, failed: 0, expired: 0 },
    stillOpen: 0,
    gatewayPayments: 0,
    gatewayRefunds: 0,
    settlementLines: 0,
    differences: Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>,
    results: Object.fromEntries(ACTION_RESULTS.map((k) => [k, 0])) as Record<ActionResult, number>,
  };
}

/** Adds a difference to the counts. */
export function countDifference(counts: ReconciliationCounts, d: Difference): ReconciliationCounts {
  return {
    ...counts,
    differences: { ...counts.differences, [d.kind]: counts.differences[d.kind] + 1 },
    results: { ...counts.results, [d.result]: counts.results[d.result] + 1 },
  };
}

/** A business day, `YYYY-MM-DD`. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The offset of `timeZone` from UTC at `instant`, in minutes (Asia/Kolkata: 330). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar day begins in a time zone. */
function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // twice: the offset at the guessed instant may differ from the one at midnight across a DST change
  const first = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess - offsetMinutes(new Date(first), timeZone) * 60_000);
}

/** A business day as the instants [from, to) it covers in `timeZone`. */
export function dayBounds(day: string, timeZone: string): { readonly from: Date; readonly to: Date } {
  const next = new Date(`${day}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { from: startOfDay(day, timeZone), to: startOfDay(next.toISOString().slice(0, 10), timeZone) };
}

/** The calendar day `instant` falls on in `timeZone`. */
export function dayOf(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The business day before the one `instant` falls on: what the nightly job reconciles. */
export function previousDay(instant: Date, timeZone: string): string {
  const today = new Date(`${dayOf(instant, timeZone)}T00:00:00.000Z`);
  today.setUTCDate(today.getUTCDate() - 1);
  return today.toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00.000Z`);
    d.toISOString().slice(0, 10) <= to;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

/** The CSV header of a report: one row per difference follows (see csvRows). */
export const CSV_HEADER = 'kind,action,result,orderId,paymentId,refundId,gatewayRefundId,detail\r\n';

/** Differences as CSV rows (RFC 4180: quoted where needed, CRLF line ends). */
export function csvRows(differences: readonly Difference[]): string {
  const cell = (value: string | null) => {
    const s = value ?? '';
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return differences
    .map(
      (d) =>
        `${[d.kind, d.action, d.result, d.orderId, d.paymentId, d.refundId, d.gatewayRefundId, d.detail].map(cell).join(',')}\r\n`,
    )
    .join('');
}

/** Differences a person has to look at: those reported for one, and actions the normal flows refused. */
export function needsPersonCount(counts: ReconciliationCounts): number {
  return counts.results['needs-person'] + counts.results.refused;
}

/**
 * A completed run's summary for finance, sent through the notification channels. Its id is the run's, so however
 * often a run's completion is told (a redelivered task, a resumed run) a channel can refuse the repeat.
 */
export interface ReconciliationSummary {
  /** `reconciliation:<runId>`. */
  readonly id: string;
  readonly type: 'reconciliation.completed';
  readonly runId: string;
  readonly day: string;
  readonly trigger: 'schedule' | 'manual';
  readonly counts: ReconciliationCounts;
  readonly needsPerson: number;
  /** The report's path on the public API (finance role). */
  readonly report: string;
  readonly createdAt: string;
}

/** The summary of a completed run. */
export function reconciliationSummary(
  run: {
    readonly id: string;
    readonly day: string;
    readonly trigger: 'schedule' | 'manual';
    readonly counts: ReconciliationCounts;
  },
  now: Date,
): ReconciliationSummary {
  return {
    id: `reconciliation:${run.id}`,
    type: 'reconciliation.completed',
    runId: run.id,
    day: run.day,
    trigger: run.trigger,
    counts: run.counts,
    needsPerson: needsPersonCount(run.counts),
    report: `/v1/ops/reconciliations/${run.id}`,
    createdAt: now.toISOString(),
  };
}
