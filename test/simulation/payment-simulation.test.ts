import test from 'ava';
import { SeededIds, seededRandom } from '../../shared/adapters/memory/ids.ts';
import { embeddedHarness } from '../e2e/embedded-harness.ts';
import { client, pay } from '../e2e/harness.ts';

type Plan =
  | 'success'
  | 'success-dropped'
  | 'success-duplicated'
  | 'failure'
  | 'abandon'
  | 'mismatch'
  | 'fail-then-succeed';
const PLANS: Plan[] = [
  'success',
  'success-dropped',
  'success-duplicated',
  'failure',
  'abandon',
  'mismatch',
  'fail-then-succeed',
];

/** The status each plan must end in, whatever the order of deliveries, duplicates and crashes. */
const EXPECTED: Record<Plan, string> = {
  success: 'succeeded',
  'success-dropped': 'succeeded',
  'success-duplicated': 'succeeded',
  failure: 'failed',
  abandon: 'expired',
  mismatch: 'expired',
  'fail-then-succeed': 'succeeded',
};

/**
 * A seeded simulation of the whole flow: random plans per order, Pub/Sub duplicates, tasks and pushes delivered in
 * random order, processes "crashing" before or after handling (redelivered), publishes failing after commit (left to
 * the outbox sweep), random confirms and random time passing. The invariants must hold for every seed.
 */
for (const seed of [1, 2, 3, 4, 5, 6]) {
  test(`simulation seed ${seed}: every order ends in its one right status, each step notified once, no event lost`, async (t) => {
    const random = seededRandom(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const h = await embeddedHarness({
      ids: new SeededIds(seed),
      random,
      busDuplicateRate: 0.3,
      chaos: () => (random() < 0.1 ? (random() < 0.5 ? 'crash-before' : 'crash-after') : null),
      statusCheckIntervalSeconds: 900,
      paymentMaxAgeSeconds: 5400,
    });
    const { stack, clock } = h;
    const customers = [
      await client(h, `sim_a_${seed}`),
      await client(h, `sim_b_${seed}`),
      await client(h, `sim_c_${seed}`),
    ];
    const orders: { id: string; plan: Plan; customer: (typeof customers)[number] }[] = [];

    const steps = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = random();
        if (r < 0.35) await stack.queue.runOne(pick);
        else if (r < 0.7) await stack.bus.runOne(pick);
        else if (r < 0.8) clock.advance(pick(120_000));
        else if (r < 0.9) stack.bus.failNextPublishes(1);
        else await stack.sandbox.settle();
      }
    };

    for (let i = 0; i < 18; i++) {
      const customer = customers[pick(customers.length)]!;
      const plan = PLANS[pick(PLANS.length)]!;
      const order = await customer.createOrder(10_000 + pick(90_000), `sim-${seed}-${i}`);
      orders.push({ id: order.id, plan, customer });
      const gatewayOrderId = order.checkout.gatewayOrderId;
      await steps(pick(6));
      let callback: { paymentId: string; signature: string } | null = null;
      switch (plan) {
        case 'success':
          callback = await pay(h, gatewayOrderId, { webhook: 'deliver' });
          break;
        case 'success-dropped':
          callback = await pay(h, gatewayOrderId, { webhook: 'drop' });
          break;
        case 'success-duplicated':
          callback = await pay(h, gatewayOrderId, { webhook: 'duplicate' });
          break;
        case 'failure':
          await pay(h, gatewayOrderId, { outcome: 'failure', webhook: pick(2) ? 'deliver' : 'drop' });
          break;
        case 'mismatch':
          await pay(h, gatewayOrderId, { webhook: 'deliver', amount: 100 });
          break;
        case 'fail-then-succeed':
          await pay(h, gatewayOrderId, { outcome: 'failure', webhook: 'deliver' });
          await steps(pick(4));
          callback = await pay(h, gatewayOrderId, { webhook: pick(2) ? 'deliver' : 'drop' });
          break;
        case 'abandon':
          break;
      }
      if (callback && random() < 0.5) {
        const { paymentId, signature } = callback;
        const res = await customer.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId, signature });
        t.is(res.status, 202);
      }
      await steps(pick(8));
    }

    // let time run out for everything: checks every interval until the maximum age has passed
    for (let i = 0; i < 12; i++) {
      await h.passInterval();
    }
    await h.settle();

    for (const { id, plan, customer } of orders) {
      const order = await customer.order(id);
      t.is(order.status, EXPECTED[plan], `${id} (${plan})`);
      const transitions = order.timeline.filter((e: any) => e.kind === 'transition').map((e: any) => e.to);
      t.is(new Set(transitions).size, transitions.length, `${id}: no status entered twice`);
      if (plan === 'mismatch') t.true(order.flags.includes('amount-mismatch'), `${id} flagged`);
      const notes = (await customer.notifications()).filter((n: any) => n.orderId === id).map((n: any) => n.step);
      t.is(new Set(notes).size, notes.length, `${id}: one notification per step`);
      for (const status of transitions) t.true(notes.includes(status), `${id}: told about ${status}`);
    }
    t.is((await stack.store.pending(1000)).length, 0, 'outbox drained: every event published');
    t.is(stack.bus.deadLetters.length, 0, 'nothing dead-lettered');
    await h.close();
  });
}
