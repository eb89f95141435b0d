/** Sends one outgoing webhook request. Resolves with the HTTP status; rejects on network error or timeout. */
export interface WebhookPoster {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<number>;
}
