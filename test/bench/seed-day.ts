import { Firestore } from '@google-cloud/firestore';
import type { Topology } from '../../infra/local/topology.ts';
import { FieldCipher } from '../../shared/adapters/crypto/field-cipher.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { attachGatewayOrder, newOrder } from '../../shared/domain/order.ts';
import type { Order } from '../../shared/domain/payment-types.ts';
import type { IdempotencyRecord } from '../../shared/ports/order-store.ts';
import { fingerprint } from '../../shared/use-cases/create-order.ts';

/**
 * Seeds a day of pending orders on the emulator topology fast: what `POST /v1/orders` does to the gateway (a Razorpay
 * order in the sandbox, over its HTTP API through the product's own gateway adapter) and to Firestore (the order, built
 * by the same domain functions, sealed by the same adapter with the services' key file, and its idempotency record),
 * but many at once and written in batches instead of a transaction per order; every other order is then paid at the
 * gateway with its webhook lost. Left out, as the reconciler never reads them: the `payment.created` event (nothing
 * in the customers' feeds) and the chain of status checks (the run is what settles them). Returns the business day
 * (Asia/Kolkata) of the orders.
 */
export async function seedPendingDay(
  topology: Topology,
  n: number,
  options: { readonly concurrency: number; readonly customerId: string },
): Promise<string> {
  const clock = new SystemClock();
  const ids = new RandomIds();
  const gateway = new RazorpayGateway({
    ...topology.razorpay,
    baseUrl: topology.services.sandbox!,
    checkoutUrlBase: `${topology.baseUrl}/sandbox/checkout`,
    // the sandbox shares this process with the seeding: under load its answers may be late, never lost
    timeoutMs: 60_000,
  });
  const [host, port] = topology.services.firestoreEmulator!.split(':') as [string, string];
  // the topology's project, the one its services' Firestore clients use
  const projectId = topology.schedulerParent.split('/')[1]!;
  const firestore = new Firestore({ projectId, host, port: Number(port), ssl: false });
  const store = new FirestoreOrderStore(firestore, new FieldCipher(LocalKeyFile.lazy(topology.keyFile)));
  const amount = { amount: 49_900, currency: 'INR' as const };
  const made: { order: Order; idempotency: IdempotencyRecord }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const draft = newOrder({
          id: ids.next('ord'),
          customerId: options.customerId,
          amount,
          description: null,
          notes: {},
          gateway: gateway.name,
          now: clock.now(),
        }).order;
        const checkout = await gateway.createOrder({ amount, receipt: draft.id, notes: { orderId: draft.id } });
        const order = attachGatewayOrder(draft, checkout, clock.now())!;
        const key = `b-${i}`;
        const request = { customerId: options.customerId, idempotencyKey: key, amount };
        const idempotency = { customerId: options.customerId, key, fingerprint: fingerprint(request) };
        made.push({ order, idempotency });
        if (i % 2 === 0) {
          const paid = await fetch(`${topology.services.sandbox}/control/orders/${checkout.gatewayOrderId}/pay`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ outcome: 'success', webhook: 'drop' }),
          });
          if (!paid.ok) throw new Error(`pay → ${paid.status}`);
        }
      }
    }),
  );
  await store.createMany(made);
  await firestore.terminate();
  const first = made[0]!.order.createdAt;
  return new Date(Date.parse(first) + 330 * 60_000).toISOString().slice(0, 10);
}
