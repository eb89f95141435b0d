import type { WebhookPoster } from '../../ports/webhook-poster.ts';

/** Posts with `fetch` and a timeout, so a hanging app backend costs one attempt, not the task's whole deadline. */
export class FetchWebhookPoster implements WebhookPoster {
  constructor(
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
  ) {}

  async post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<number> {
    const response = await this.fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    return response.status;
  }
}
