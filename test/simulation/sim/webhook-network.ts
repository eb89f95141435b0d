/** A webhook the sandbox sent that has not reached the product yet. */
export interface WebhookInFlight {
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly event: string;
  readonly eventId: string;
}

/**
 * The network between the gateway and the webhook receiver, under the simulator's control: the sandbox's webhooks
 * wait here (the sandbox is told they arrived) until the simulator delivers them, late, twice, out of order or never.
 */
export class WebhookNetwork {
  readonly pending: WebhookInFlight[] = [];
  lost = 0;

  /** What the sandbox's `fetch` becomes. */
  async carry(request: Request): Promise<Response> {
    const body = await request.text();
    const parsed = JSON.parse(body) as { event?: string };
    this.pending.push({
      url: request.url,
      headers: [...request.headers.entries()],
      body,
      event: parsed.event ?? '?',
      eventId: request.headers.get('x-razorpay-event-id') ?? '?',
    });
    return new Response(null, { status: 200 });
  }

  /** Takes the webhook at `index` out of the network (a copy may be left behind, to arrive again later). */
  take(index: number, keepCopy: boolean): WebhookInFlight {
    const [webhook] = this.pending.splice(index, 1);
    if (keepCopy) this.pending.push(webhook!);
    return webhook!;
  }

  /** The request the receiver gets. */
  static request(webhook: WebhookInFlight): Request {
    return new Request(webhook.url, {
      method: 'POST',
      headers: webhook.headers.map(([k, v]): [string, string] => [k, v]),
      body: webhook.body,
    });
  }
}
