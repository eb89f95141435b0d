/** One Server-Sent Event as a client sees it; `comment` holds a `: …` line (heartbeats). */
export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: number;
  readonly comment?: string;
}

/** Reads an event stream message by message; `next()` resolves to null once the server ends the stream. */
export function sseReader(response: Response): { next(): Promise<SseMessage | null>; cancel(): Promise<void> } {
  if (!response.body) throw new Error('the response has no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: Record<string, string | number> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) message.comment = line.slice(1).trim();
            const match = /^(id|event|data|retry): ?(.*)$/.exec(line);
            if (match) {
              const [, field, value] = match as unknown as [string, string, string];
              message[field] =
                field === 'retry'
                  ? Number(value)
                  : field === 'data' && message.data !== undefined
                    ? `${message.data}\n${value}`
                    : value;
            }
          }
          return message as SseMessage;
        }
        const { done, value } = await reader.read();
        if (done) return null;
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** The next `status` event's parsed data, skipping heartbeats and the retry hint; null when the stream ended. */
export async function nextStatus(
  stream: ReturnType<typeof sseReader>,
): Promise<{ id: string; status: string; [k: string]: unknown } | null> {
  for (;;) {
    const message = await stream.next();
    if (message === null) return null;
    if (message.event === 'status' && message.data !== undefined) {
      // the SSE event id (a string) over the data's numeric id: the same number
      return { ...(JSON.parse(message.data) as { status: string }), id: message.id ?? '' };
    }
  }
}

/** `promise`, or a failure naming `what` after `ms`: a stream that never speaks must not hang the suite. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
