import test from 'ava';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { MemoryEventBus } from '../../shared/adapters/memory/memory-event-bus.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { eventBusContract } from './event-bus.contract.ts';

eventBusContract(test, async () => {
  const clock = new ManualClock();
  const receiver = new PushReceiver();
  const bus = new MemoryEventBus({ clock, retry: { minBackoffMs: 100, maxBackoffMs: 1_000, maxAttempts: 5 } });
  bus.subscribe({
    name: 'push',
    topic: 'payment-events',
    pushUrl: 'http://receiver.test/push',
    dispatch: receiver.dispatch,
  });
  return {
    bus,
    receiver,
    async until(done) {
      // Nothing is delivered until pumped: deliver what is due, then let backoffs elapse on the manual clock.
      for (let step = 0; step < 100; step++) {
        await bus.runDue();
        if (done(receiver.pushes)) return;
        clock.advance(1_000);
      }
      throw new Error(`condition not met; ${receiver.pushes.length} pushes received`);
    },
    close: () => bus.stop(),
  };
});
