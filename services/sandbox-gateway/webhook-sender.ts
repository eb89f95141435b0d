import type { Clock } from '../../shared/ports/clock.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { InFlight } from './in-flight.ts';
import { webhookSignature } from './signing.ts';

/** deliver: each event once; drop: nothing (a lost webhook); duplicate: each event twice with the same event id. */
export const WEBHOOK_MODES = ['deliver', 'drop', 'duplicate'] as const;
export type WebhookMode = (typeof WEBHOOK_MODES)[number];

/** An event before it is wrapped in Razorpay's envelope. `payload` holds entity snapshots taken when it happened. */
export interface OutgoingEvent {
  readonly event: string;
  readonly payload: Readonly<Record<string, { entity: unknown }>>;
}

export interface WebhookSenderDeps {
  readonly url: string | null;
  readonly secret: string;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly newEventId: () => string;
  readonly inFlight: InFlight;
  readonly logger: Logger;
  /** Pause before each retry; its length bounds the retries (Razorpay retries for 24 h, a sandbox must not). */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  /** Pause before the first attempt: a real gateway's webhooks arrive a moment after its checkout returns. */
  readonly delayMs?: number;
}

// The merchant account every sandbox event claims to come from.
const ACCOUNT_ID = 'acc_SandboxMerchnt';

export class WebhookSender {
  constructor(private readonly deps: WebhookSenderDeps) {}

  /**
   * Queues `events` for delivery, one after another in the order given (so `payment.captured` precedes `order.paid`
   * as the product would see it most of the time), and returns at once: the control call answers first.
   */
  send(events: readonly OutgoingEvent[], mode: WebhookMode): void {
    if (mode === 'drop' || events.length === 0) return;
    const { url } = this.deps;
    if (url === null) {
      this.deps.logger.log('INFO', 'sandbox webhook not sent: no webhook url', { events: events.map((e) => e.event) });
      return;
    }
    // Envelopes are built now, not at delivery, so the snapshot and created_at are those of the moment it happened.
    const envelopes = events.map((e) => ({ eventId: this.deps.newEventId(), type: e.event, body: this.envelope(e) }));
    const copies = mode === 'duplicate' ? 2 : 1;
    const work = async () => {
      for (const envelope of envelopes) {
        for (let i = 0; i < copies; i++) await this.deliver(url, envelope.eventId, envelope.type, envelope.body);
      }
    };
    const onError = (err: unknown) => this.deps.logger.log('ERROR', 'sandbox webhook delivery crashed', { error: err });
    const delay = this.deps.delayMs ?? 0;
    if (delay > 0) this.deps.inFlight.after(delay, work, onError);
    else this.deps.inFlight.run(work, onError);
  }

  private envelope(e: OutgoingEvent): string {
    return JSON.stringify({
      entity: 'event',
      account_id: ACCOUNT_ID,
      event: e.event,
      contains: Object.keys(e.payload),
      payload: e.payload,
      created_at: Math.floor(this.deps.clock.now().getTime() / 1000),
    });
  }

  private async deliver(url: string, eventId: string, type: string, body: string): Promise<void> {
    const headers = {
      'Content-Type': 'application/json',
      'X-Razorpay-Signature': webhookSignature(this.deps.secret, body),
      'X-Razorpay-Event-Id': eventId,
    };
    const attempts = this.deps.retryDelaysMs.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await this.post(url, headers, body);
      if (outcome === 'ok') {
        this.deps.logger.log('DEBUG', 'sandbox webhook delivered', { eventId, type, attempt });
        return;
      }
      const delay = this.deps.retryDelaysMs[attempt - 1];
      if (delay === undefined) break;
      this.deps.logger.log('WARNING', 'sandbox webhook failed, will retry', { eventId, type, attempt, outcome });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.deps.logger.log('ERROR', 'sandbox webhook given up', { eventId, type, attempts });
  }

  /** `ok` on any 2xx (as Razorpay counts it); otherwise a short description of what went wrong. */
  private async post(url: string, headers: Record<string, string>, body: string): Promise<string> {
    // A ref'd timer (unlike AbortSignal.timeout's), so a hanging receiver times out instead of letting the process
    // exit with settle() still pending.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('webhook timed out', 'TimeoutError')),
      this.deps.timeoutMs,
    );
    try {
      const res = await this.deps.fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      // Drain the body so a keep-alive socket is released.
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? 'ok' : `status ${res.status}`;
    } catch (err) {
      return err instanceof Error ? `${err.name}: ${err.message}` : 'network error';
    } finally {
      clearTimeout(timer);
    }
  }
}
