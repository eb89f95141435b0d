import { AppError } from '../../../shared/domain/errors.ts';
import type { EventBus } from '../../../shared/ports/event-bus.ts';
import type { PaymentGateway } from '../../../shared/ports/payment-gateway.ts';
import type { TaskQueue } from '../../../shared/ports/task-queue.ts';

/** How often each fault strikes while faults are on (a probability per call or delivery). */
export interface FaultRates {
  /** A gateway call fails before reaching the gateway (timeout, 5xx). */
  readonly gatewayFails: number;
  /** A gateway call is done by the gateway but its answer is lost on the way back. */
  readonly gatewayAnswerLost: number;
  /** The process dies after its transaction, before an enqueue: the enqueue throws. */
  readonly enqueueCrash: number;
  /** The process dies after its transaction, before a publish: the publish throws (the outbox keeps the event). */
  readonly publishCrash: number;
  /** A task or push delivery: the receiving process dies before handling it. */
  readonly crashBefore: number;
  /** A task or push delivery: the process handles it and dies before acknowledging (so it is redelivered). */
  readonly crashAfter: number;
}

export const DEFAULT_FAULTS: FaultRates = {
  gatewayFails: 0.05,
  gatewayAnswerLost: 0.03,
  enqueueCrash: 0.03,
  publishCrash: 0.05,
  crashBefore: 0.04,
  crashAfter: 0.04,
};

const SYNC_GATEWAY_METHODS = new Set<string | symbol>(['name', 'parseWebhook', 'verifyCheckoutSignature']);

/**
 * Every fault the simulator injects, drawn from the seed's one random source so a seed replays exactly. Each fault
 * that strikes is written to the trace, so a failing seed shows which crash or lost answer led to it.
 */
export class Faults {
  on = true;
  struck = 0;

  constructor(
    private readonly random: () => number,
    private readonly rates: FaultRates,
    private readonly note: (line: string) => void,
  ) {}

  private roll(rate: number): boolean {
    return this.on && rate > 0 && this.random() < rate;
  }

  private strike(line: string): void {
    this.struck += 1;
    this.note(`  fault: ${line}`);
  }

  /** The gateway, failing before a call or losing the answer after it. */
  gateway(inner: PaymentGateway): PaymentGateway {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || SYNC_GATEWAY_METHODS.has(prop)) {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: unknown[]) => {
          if (this.roll(this.rates.gatewayFails)) {
            this.strike(`gateway ${String(prop)} unreachable`);
            throw new AppError('gateway-unavailable', `simulated: gateway ${String(prop)} unreachable`);
          }
          const result = await value.apply(target, args);
          if (this.roll(this.rates.gatewayAnswerLost)) {
            this.strike(`gateway ${String(prop)} done, answer lost`);
            throw new AppError('gateway-unavailable', `simulated: gateway ${String(prop)} answer lost`);
          }
          return result;
        };
      },
    });
  }

  /** The task queue, whose caller dies (after its transaction) before the enqueue. */
  tasks(inner: TaskQueue): TaskQueue {
    return {
      enqueue: async (task) => {
        if (this.roll(this.rates.enqueueCrash)) {
          this.strike(`died before enqueueing ${task.queue}/${task.id}`);
          throw new Error('simulated: process died before the enqueue');
        }
        return inner.enqueue(task);
      },
    };
  }

  /** The bus, whose caller dies (after its transaction) before the publish. */
  bus(inner: EventBus): EventBus {
    return {
      publish: async (topic, message) => {
        if (this.roll(this.rates.publishCrash)) {
          this.strike(`died before publishing ${(message.data as { type?: string }).type ?? 'an event'}`);
          throw new Error('simulated: process died before the publish');
        }
        return inner.publish(topic, message);
      },
    };
  }

  /** Per task, push or job delivery: the receiving process dies before handling it, or after, before answering. */
  crash(request: Request): 'crash-before' | 'crash-after' | null {
    const path = new URL(request.url).pathname;
    if (this.roll(this.rates.crashBefore)) {
      this.strike(`${path}: died before handling`);
      return 'crash-before';
    }
    if (this.roll(this.rates.crashAfter)) {
      this.strike(`${path}: handled, died before answering`);
      return 'crash-after';
    }
    return null;
  }
}
