import { createHash } from 'node:crypto';
import { LocalIssuer } from '../../../services/dev/local-issuer.ts';
import { createEmbeddedStack, type EmbeddedStack } from '../../../services/embedded/stack.ts';
import { JsonLogger } from '../../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../../shared/adapters/memory/clocks.ts';
import { SeededIds, seededRandom } from '../../../shared/adapters/memory/ids.ts';
import type { Logger } from '../../../shared/ports/logger.ts';
import { DEFAULT_FAULTS, type FaultRates, Faults } from './faults.ts';
import { type GatewayFacts, type GatewayPayment, Invariants, Violation, type WorldView } from './invariants.ts';
import { WebhookNetwork } from './webhook-network.ts';

const BASE = 'http://sim.test';
const FINANCE_KEY = 'sim-finance-key-000000000001';
/** 22:00 in Kolkata: the business day ends during a run, so the nightly job runs in the middle of traffic. */
const START = '2026-03-01T16:30:00.000Z';
const INTERVAL_SECONDS = 900;
const MAX_AGE_SECONDS = 5400;
const NO_LIMITS = {
  ipPerMinute: 1e9,
  customerPerMinute: 1e9,
  operatorPerMinute: 1e9,
  authFailuresPerMinute: 1e9,
  maxOpenOrdersPerCustomer: 1000,
};
const SILENT: Logger = { log: () => undefined, child: () => SILENT };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface SimOptions {
  /** Steps of traffic and faults before the run winds down (deliveries, time, then the nightly job). */
  readonly steps: number;
  readonly faults?: FaultRates;
  /** Logs of the stack to stderr (a replay). */
  readonly verbose?: boolean;
}

export interface SeedResult {
  readonly seed: number;
  readonly steps: number;
  readonly checks: number;
  readonly faults: number;
  readonly orders: number;
  /** A digest of the whole trace: the same seed must give the same digest (the run replays exactly). */
  readonly traceDigest: string;
  readonly violation: {
    readonly step: number;
    readonly invariant: string;
    readonly detail: string;
    readonly trace: readonly string[];
  } | null;
}

type Plan = 'pay' | 'fail' | 'abandon' | 'mismatch' | 'fail-then-pay' | 'pay-twice' | 'pay-late' | 'refund';
const PLANS: readonly Plan[] = [
  'pay',
  'fail',
  'abandon',
  'mismatch',
  'fail-then-pay',
  'pay-twice',
  'pay-late',
  'refund',
];

type Act =
  | { readonly kind: 'create' }
  | { readonly kind: 'pay'; readonly outcome: 'success' | 'failure'; readonly wrongAmount: boolean }
  | { readonly kind: 'confirm' }
  | { readonly kind: 'wait-expired' }
  | { readonly kind: 'refund'; readonly amount: number | null; readonly key: string };

interface Planned {
  readonly n: number;
  readonly customerId: string;
  readonly amount: number;
  readonly plan: Plan;
  readonly key: string;
  readonly script: Act[];
  id: string | null;
  gatewayOrderId: string | null;
  callback: { paymentId: string; signature: string } | null;
  lied: boolean;
}

/** The business day (Asia/Kolkata, no daylight saving) an instant falls on. */
function businessDay(ms: number): string {
  return new Date(ms + 330 * 60_000).toISOString().slice(0, 10);
}

let issuer: Promise<LocalIssuer> | null = null;
const customerTokens = new Map<string, Promise<string>>();

/** One issuer for every seed of a process: an RSA key per seed would cost more than the seed. */
function sharedIssuer(): Promise<LocalIssuer> {
  issuer ??= LocalIssuer.create(`${BASE}/dev`);
  return issuer;
}

/**
 * Runs one seed: builds the embedded stack (every service of the catalogue, in-memory adapters, the sandbox gateway)
 * on a manual clock, then lets the seed choose every step — which customer acts, which task, push or webhook is
 * delivered next, when time passes, which call fails or which process dies — checking the invariants after each.
 * Nothing but the seed decides anything, so the same seed replays the same run.
 */
export async function runSeed(seed: number, options: SimOptions): Promise<SeedResult> {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const trace: string[] = [];
  const note = (line: string) => {
    trace.push(line);
  };
  const clock = new ManualClock(START);
  const network = new WebhookNetwork();
  const faults = new Faults(random, options.faults ?? DEFAULT_FAULTS, note);
  const sandboxRandom = seededRandom(seed * 7919 + 17);
  const sandboxIds = () => {
    let out = '';
    for (let i = 0; i < 14; i++) out += ALPHABET[Math.floor(sandboxRandom() * ALPHABET.length)];
    return out;
  };
  const stack = await createEmbeddedStack({
    baseUrl: BASE,
    clock,
    ids: new SeededIds(seed),
    logger: options.verbose ? new JsonLogger('DEBUG') : SILENT,
    issuer: await sharedIssuer(),
    sandboxIds,
    webhookNetwork: (request) => network.carry(request),
    refundAutoSettleMs: null,
    busDuplicateRate: 0.15,
    random,
    chaos: (request) => faults.crash(request),
    decorate: (deps) => ({
      ...deps,
      gateway: faults.gateway(deps.gateway),
      tasks: faults.tasks(deps.tasks),
      bus: faults.bus(deps.bus),
    }),
    operatorApiKeys: `finance:${FINANCE_KEY}`,
    statusCheckIntervalSeconds: INTERVAL_SECONDS,
    paymentMaxAgeSeconds: MAX_AGE_SECONDS,
    limits: NO_LIMITS,
    reconciliationGatewayRps: 1_000_000,
  });
  const world = new World(stack, clock, network);
  const invariants = new Invariants();
  let step = 0;
  const result = (violation: SeedResult['violation']): SeedResult => ({
    seed,
    steps: step,
    checks: invariants.checks,
    faults: faults.struck,
    orders: world.planned.length,
    traceDigest: createHash('sha256').update(trace.join('\n')).digest('hex').slice(0, 16),
    violation,
  });
  try {
    world.plan(seed, pick, chance);
    for (; step < options.steps; step++) {
      await world.step(pick, chance, note);
      await invariants.afterStep(await world.view());
    }
    // wind down: no more faults; everything due is delivered, time passes until every order is final, then the
    // nightly job has run for every day and every refund is settled at the gateway
    faults.on = false;
    note('-- wind down: faults off, deliveries and time until everything is final');
    const windDown = async () => {
      for (let round = 0; round < 10; round++, step++) {
        await world.deliverEverything(note);
        await invariants.afterStep(await world.view());
        if (await world.quiet()) return;
        // a whole maximum age at once: every check due runs, and with no payment left to arrive, each order's next
        // check finds it past its age and ends its chain
        clock.advance(MAX_AGE_SECONDS * 1000);
        note(`time +${MAX_AGE_SECONDS}s → ${clock.now().toISOString()}`);
      }
    };
    await windDown();
    await world.reconcileEveryDay(note);
    await windDown();
    await invariants.atEnd(await world.view(), await world.facts(), await world.leftovers());
    await stack.stop();
    return result(null);
  } catch (err) {
    await stack.stop().catch(() => undefined);
    const violation =
      err instanceof Violation
        ? { invariant: err.invariant, detail: err.detail }
        : { invariant: 'the simulation runs', detail: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    return result({ step, ...violation, trace });
  }
}

/** The stack under simulation, the simulated customers, operators and gateway, and what they have done. */
class World {
  readonly customers = ['cust_sim_a', 'cust_sim_b', 'cust_sim_c'];
  readonly planned: Planned[] = [];
  readonly payments: GatewayPayment[] = [];
  private closed = false;
  private refundKeys = 0;

  constructor(
    private readonly stack: EmbeddedStack,
    private readonly clock: ManualClock,
    private readonly network: WebhookNetwork,
  ) {}

  plan(seed: number, pick: (n: number) => number, chance: (p: number) => boolean): void {
    const count = 3 + pick(5);
    for (let n = 0; n < count; n++) {
      const plan = PLANS[pick(PLANS.length)]!;
      const amount = 10_000 + pick(90_000);
      const pay = (outcome: 'success' | 'failure', wrongAmount = false): Act => ({ kind: 'pay', outcome, wrongAmount });
      const script: Act[] = [{ kind: 'create' }];
      switch (plan) {
        case 'pay':
          script.push(pay('success'));
          break;
        case 'fail':
          script.push(pay('failure'));
          break;
        case 'abandon':
          break;
        case 'mismatch':
          script.push(pay('success', true));
          break;
        case 'fail-then-pay':
          script.push(pay('failure'), pay('success'));
          break;
        case 'pay-twice':
          script.push(pay('success'), pay('success'));
          break;
        case 'pay-late':
          script.push({ kind: 'wait-expired' }, pay('success'));
          break;
        case 'refund':
          script.push(pay('success'));
          for (let r = 0, k = 1 + pick(3); r < k; r++) {
            // some repeated with the same key (an operator's retry), some for more than is left, some in full
            const key =
              chance(0.3) && this.refundKeys > 0
                ? `sim-${seed}-r${this.refundKeys}`
                : `sim-${seed}-r${++this.refundKeys}`;
            script.push({ kind: 'refund', amount: chance(0.2) ? null : 1_000 + pick(amount), key });
          }
          break;
      }
      if (plan !== 'abandon' && chance(0.5)) script.splice(2, 0, { kind: 'confirm' });
      this.planned.push({
        n,
        customerId: this.customers[pick(this.customers.length)]!,
        amount,
        plan,
        key: `sim-${seed}-order-${n}`,
        script,
        id: null,
        gatewayOrderId: null,
        callback: null,
        lied: false,
      });
    }
  }

  async step(pick: (n: number) => number, chance: (p: number) => boolean, note: (line: string) => void): Promise<void> {
    const moves: { weight: number; name: string; run: () => Promise<string> }[] = [];
    for (const p of this.planned) {
      const act = p.script[0];
      if (act && (await this.ready(p, act)))
        moves.push({ weight: 3, name: 'customer', run: () => this.act(p, act, chance) });
    }
    if (this.stack.queue.dueDeliveries().length > 0) {
      moves.push({ weight: 5, name: 'task', run: () => this.runTask(pick) });
    }
    if (this.stack.bus.dueDeliveries().length > 0) {
      moves.push({ weight: 5, name: 'push', run: () => this.runPush(pick) });
    }
    if (this.network.pending.length > 0)
      moves.push({ weight: 4, name: 'webhook', run: () => this.webhook(pick, chance) });
    moves.push({ weight: 2, name: 'time', run: async () => this.passTime(pick) });
    moves.push({ weight: 1, name: 'scheduler', run: () => this.scheduler() });
    moves.push({ weight: 1, name: 'bank', run: () => this.settleRefund(pick, chance) });
    if (!this.closed) moves.push({ weight: 0.2, name: 'close', run: () => this.closeAccount() });
    moves.push({ weight: 0.3, name: 'lie', run: () => this.lie(pick) });
    moves.push({ weight: 0.15, name: 'reconcile', run: () => this.reconcileToday() });
    const total = moves.reduce((n, m) => n + m.weight, 0);
    const r = (pick(1_000_000) / 1_000_000) * total;
    let acc = 0;
    const move =
      moves.find((m) => {
        acc += m.weight;
        return r < acc;
      }) ?? moves[moves.length - 1]!;
    note(await move.run());
  }

  private async ready(p: Planned, act: Act): Promise<boolean> {
    switch (act.kind) {
      case 'create':
        return true;
      case 'pay':
        return p.gatewayOrderId !== null;
      case 'confirm':
        return p.callback !== null;
      case 'wait-expired':
        return p.id !== null && (await this.stack.store.get(p.id))?.status === 'expired';
      case 'refund':
        return p.id !== null && (await this.stack.store.get(p.id))?.status === 'succeeded';
    }
  }

  private async act(p: Planned, act: Act, chance: (p: number) => boolean): Promise<string> {
    const who = `order ${p.n} (${p.plan}, ${p.customerId})`;
    switch (act.kind) {
      case 'create': {
        const res = await this.customer(
          p.customerId,
          'POST',
          '/v1/orders',
          {
            amount: p.amount,
            currency: 'INR',
            description: `sim order ${p.n}`,
          },
          { 'idempotency-key': p.key },
        );
        const body = (await res.json()) as any;
        // an app retries a failed create with the same Idempotency-Key: the script step stays until it succeeds
        if (res.status === 201 || res.status === 200) {
          p.id = body.id;
          p.gatewayOrderId = body.checkout.gatewayOrderId;
          p.script.shift();
        }
        return `${who}: create → ${res.status} ${p.id ?? body.detail ?? ''}`;
      }
      case 'pay': {
        const webhook = chance(0.1) ? 'drop' : chance(0.1) ? 'duplicate' : 'deliver';
        const res = await this.stack.fetch(
          new Request(`${BASE}/sandbox/control/orders/${p.gatewayOrderId}/pay`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ outcome: act.outcome, webhook, ...(act.wrongAmount ? { amount: 100 } : {}) }),
          }),
        );
        const body = (await res.json()) as any;
        if (!res.ok) throw new Error(`sandbox pay → ${res.status} ${JSON.stringify(body)}`);
        await this.stack.sandbox.settle();
        p.script.shift();
        const captured = act.outcome === 'success';
        this.payments.push({
          orderId: p.id!,
          paymentId: body.paymentId,
          captured,
          amount: act.wrongAmount ? 100 : p.amount,
          at: this.clock.now().getTime(),
        });
        if (captured && body.signature) p.callback = { paymentId: body.paymentId, signature: body.signature };
        return `${who}: pays ${act.outcome}${act.wrongAmount ? ' (wrong amount)' : ''} ${body.paymentId}, webhook ${webhook}`;
      }
      case 'confirm': {
        const { paymentId, signature } = p.callback!;
        const res = await this.customer(p.customerId, 'POST', `/v1/orders/${p.id}/confirm`, {
          razorpay_order_id: p.gatewayOrderId,
          razorpay_payment_id: paymentId,
          razorpay_signature: signature,
        });
        await res.body?.cancel();
        p.script.shift();
        return `${who}: confirms ${paymentId} → ${res.status}`;
      }
      case 'wait-expired':
        p.script.shift();
        return `${who}: sees it expired`;
      case 'refund': {
        const res = await this.operator(
          'POST',
          `/v1/orders/${p.id}/refunds`,
          {
            ...(act.amount !== null ? { amount: act.amount } : {}),
            reason: 'simulated',
          },
          { 'idempotency-key': act.key },
        );
        const body = (await res.json()) as any;
        // an operator retries a refund that failed for a reason of ours; a refusal (409, 422) is final
        if (res.status < 500) p.script.shift();
        return `${who}: operator refunds ${act.amount ?? 'all'} (key ${act.key}) → ${res.status} ${body.id ?? body.detail ?? ''}`;
      }
    }
  }

  private async runTask(pick: (n: number) => number): Promise<string> {
    const due = this.stack.queue.dueDeliveries();
    const chosen = pick(due.length);
    await this.stack.queue.runOne(() => chosen);
    return `task ${due[chosen]?.key ?? '?'} (attempt ${(due[chosen]?.attempts ?? 0) + 1})`;
  }

  private async runPush(pick: (n: number) => number): Promise<string> {
    const due = this.stack.bus.dueDeliveries();
    const chosen = pick(due.length);
    await this.stack.bus.runOne(() => chosen);
    const d = due[chosen];
    return `push ${d?.key ?? '?'} ${(d?.item.message.data as { type?: string } | undefined)?.type ?? ''}`;
  }

  private async webhook(pick: (n: number) => number, chance: (p: number) => boolean): Promise<string> {
    const index = pick(this.network.pending.length);
    if (chance(0.05)) {
      const lost = this.network.take(index, false);
      this.network.lost += 1;
      return `webhook ${lost.event} ${lost.eventId} lost on the way`;
    }
    const webhook = this.network.take(index, chance(0.15));
    const res = await this.stack.fetch(WebhookNetwork.request(webhook));
    await res.body?.cancel();
    // as Razorpay does: an answer other than 2xx is retried later
    if (!res.ok) this.network.pending.push(webhook);
    return `webhook ${webhook.event} ${webhook.eventId} → ${res.status}`;
  }

  private passTime(pick: (n: number) => number): string {
    const ms = 1_000 + pick(15 * 60_000);
    this.clock.advance(ms);
    return `time +${Math.round(ms / 1000)}s → ${this.clock.now().toISOString()}`;
  }

  private async scheduler(): Promise<string> {
    const fired = await this.stack.scheduler.runDue();
    return `scheduler: ${fired} job run(s) due`;
  }

  private async settleRefund(pick: (n: number) => number, chance: (p: number) => boolean): Promise<string> {
    const pending = await this.gatewayRefunds('pending');
    if (pending.length === 0) return 'bank: no refund pending';
    const refund = pending[pick(pending.length)]!;
    const outcome = chance(0.15) ? 'failed' : 'processed';
    const webhook = chance(0.15) ? 'drop' : 'deliver';
    const res = await this.stack.fetch(
      new Request(`${BASE}/sandbox/control/refunds/${refund.id}/settle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome, webhook }),
      }),
    );
    await res.body?.cancel();
    await this.stack.sandbox.settle();
    return `bank: refund ${refund.id} ${outcome}, webhook ${webhook} → ${res.status}`;
  }

  private async closeAccount(): Promise<string> {
    this.closed = true;
    const res = await this.operator('POST', `/v1/ops/accounts/${this.customers[2]}/close`, { reason: 'simulated' });
    await res.body?.cancel();
    return `operator closes ${this.customers[2]}'s account → ${res.status}`;
  }

  /** Anyone able to publish claims money must go back: the order decides, and owes nothing new. */
  private async lie(pick: (n: number) => number): Promise<string> {
    const candidates = this.planned.filter((p) => p.id && !p.lied);
    if (candidates.length === 0) return 'liar: nothing to lie about';
    const p = candidates[pick(candidates.length)]!;
    p.lied = true;
    const order = (await this.stack.store.get(p.id!))!;
    const type = pick(2) ? 'payment.amount_mismatch' : 'payment.duplicate_captured';
    const event = {
      id: `${p.id}:${type}:pay_lie${p.n}`,
      type,
      orderId: p.id,
      customerId: p.customerId,
      amount: { amount: 100, currency: 'INR' },
      status: order.status,
      paymentId: `pay_lie${p.n}`,
      source: 'webhook',
      occurredAt: this.clock.now().toISOString(),
      refund: null,
    };
    const token = await this.stack.issuer.pushToken();
    const statuses: number[] = [];
    for (const name of ['notifier', 'fulfillment', 'refunds']) {
      const res = await this.stack.fetch(
        new Request(`${BASE}/pubsub/${name}/payment-events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            message: {
              data: Buffer.from(JSON.stringify(event)).toString('base64'),
              attributes: { type },
              messageId: `forged-${event.id}`,
              publishTime: this.clock.now().toISOString(),
            },
            subscription: `projects/local/subscriptions/${name}`,
          }),
        }),
      );
      await res.body?.cancel();
      statuses.push(res.status);
    }
    return `liar: ${type} about order ${p.n} → ${statuses.join(' ')}`;
  }

  private async reconcileToday(): Promise<string> {
    const day = businessDay(this.clock.now().getTime());
    const res = await this.operator('POST', '/v1/ops/reconciliations', { date: day });
    await res.body?.cancel();
    return `finance reconciles ${day} by hand → ${res.status}`;
  }

  /** Runs everything due, with no fault: webhooks in the network, refunds at the bank, tasks, pushes, jobs. */
  async deliverEverything(note: (line: string) => void): Promise<void> {
    for (let round = 0; round < 50; round++) {
      let moved = 0;
      while (this.network.pending.length > 0) {
        const webhook = this.network.take(0, false);
        const res = await this.stack.fetch(WebhookNetwork.request(webhook));
        await res.body?.cancel();
        moved += 1;
      }
      for (const refund of (await this.refundsInFlight()) ? await this.gatewayRefunds('pending') : []) {
        const res = await this.stack.fetch(
          new Request(`${BASE}/sandbox/control/refunds/${refund.id}/settle`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ outcome: 'processed', webhook: 'deliver' }),
          }),
        );
        await res.body?.cancel();
        moved += 1;
      }
      await this.stack.sandbox.settle();
      moved += await this.stack.scheduler.runDue();
      await this.stack.drain();
      if (moved === 0 && this.network.pending.length === 0) return;
    }
    note('deliveries did not settle after 50 rounds');
  }

  /** Every order final, nothing left to settle at the bank. */
  async quiet(): Promise<boolean> {
    const view = await this.view();
    const open = view.orders.some(
      (o) =>
        o.status === 'created' ||
        o.status === 'processing' ||
        o.refunds.some((r) => r.status !== 'processed' && r.status !== 'failed'),
    );
    const failedWatched = view.orders.some(
      (o) => o.status === 'failed' && this.clock.now().getTime() - Date.parse(o.createdAt) < MAX_AGE_SECONDS * 1000,
    );
    return (
      !open &&
      !failedWatched &&
      this.stack.bus.pendingCount === 0 &&
      this.network.pending.length === 0 &&
      !(await this.refundsInFlight())
    );
  }

  /** Finance runs the reconciliation of every business day the run touched, as the nightly job would. */
  async reconcileEveryDay(note: (line: string) => void): Promise<void> {
    // the days of the orders, and of the payments (a payment can be made the day after its order)
    const days = new Set<string>();
    for (const o of (await this.view()).orders) days.add(businessDay(Date.parse(o.createdAt)));
    for (const p of this.payments) days.add(businessDay(p.at));
    for (const day of [...days].sort()) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await this.operator('POST', '/v1/ops/reconciliations', { date: day });
        await res.body?.cancel();
        note(`finance reconciles ${day} → ${res.status}`);
        await this.stack.drain();
        if (res.status !== 409) break;
        // a run of that day holds it: its lease runs out or it finishes
        this.clock.advance(60_000);
      }
    }
  }

  async view(): Promise<WorldView> {
    const orders = this.stack.store.all();
    return {
      now: this.clock.now(),
      maxAgeSeconds: MAX_AGE_SECONDS,
      customers: this.customers,
      orders,
      accounts: this.stack.deps.accounts,
      notifications: this.stack.deps.notifications,
      pendingTasks: this.stack.queue.pendingDeliveries(),
    };
  }

  async facts(): Promise<GatewayFacts> {
    const refunded = new Map<string, number>();
    for (const p of this.payments.filter((x) => x.captured)) {
      const res = await this.sandboxApi(`/v1/payments/${p.paymentId}`);
      refunded.set(p.paymentId, (res as { amount_refunded: number }).amount_refunded);
    }
    const store = this.stack.deps.reconciliations;
    // the newest completed run of each day (a payment just after midnight is on its order's day at the gateway)
    const listedForPerson = async (paymentId: string) => {
      const newest = new Map<string, string>();
      for (const run of (await store.list(100)).items) {
        if (run.status === 'completed' && !newest.has(run.day)) newest.set(run.day, run.id);
      }
      for (const runId of newest.values()) {
        const differences = (await store.listDifferences(runId, 1000)).items;
        if (differences.some((d) => d.paymentId === paymentId && d.result === 'needs-person')) return true;
      }
      return false;
    };
    return { payments: this.payments, refunded, listedForPerson };
  }

  async leftovers(): Promise<{ outbox: number; pushes: number; deadLetters: number; givenUpTasks: number }> {
    return {
      outbox: (await this.stack.store.pending(1_000_000)).length,
      pushes: this.stack.bus.pendingCount,
      deadLetters: this.stack.bus.deadLetters.length,
      givenUpTasks: this.stack.queue.abandoned.length,
    };
  }

  /** Whether any refund of ours is not final: only then can the gateway hold one pending (ours are all it has). */
  private async refundsInFlight(): Promise<boolean> {
    return this.stack.store
      .all()
      .some((o) => o.refunds.some((r) => r.status === 'requested' || r.status === 'pending'));
  }

  private async gatewayRefunds(status: string): Promise<{ id: string }[]> {
    const list = (await this.sandboxApi('/v1/refunds?count=100')) as { items: { id: string; status: string }[] };
    return list.items.filter((r) => r.status === status);
  }

  private async sandboxApi(path: string): Promise<unknown> {
    const { keyId, keySecret } = this.stack.razorpay;
    const auth = Buffer.from(`${keyId}:${keySecret}`).toString('base64');
    const res = await this.stack.fetch(
      new Request(`${BASE}/sandbox${path}`, { headers: { authorization: `Basic ${auth}` } }),
    );
    if (!res.ok) throw new Error(`sandbox ${path} → ${res.status}`);
    return res.json();
  }

  private async customer(
    customerId: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let token = customerTokens.get(customerId);
    if (!token) {
      token = (await sharedIssuer()).customerToken(customerId, 24 * 3600);
      customerTokens.set(customerId, token);
    }
    return this.stack.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token}`, 'content-type': 'application/json', ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  }

  private operator(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.stack.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: { 'x-api-key': FINANCE_KEY, 'content-type': 'application/json', ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  }
}
