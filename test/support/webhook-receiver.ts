import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The status the receiver answered; `undefined` while hanging. */
  status?: number;
}

/** What the receiver answers; the default is 204. */
export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/**
 * A real webhook receiver on loopback (node:http): records every POST and answers with
 * what `answer` returns for it, so tests can make a sink fail, throttle or hang.
 */
export async function startWebhookReceiver() {
  const received: Received[] = [];
  let answer: (request: Received, count: number) => Answer | 'hang' = () => ({ status: 204 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // kept as text
      }
      const entry: Received = { path: request.url ?? '/', headers: request.headers, body };
      received.push(entry);
      const reply = answer(entry, received.length);
      if (reply === 'hang') return;
      entry.status = reply.status;
      response.writeHead(reply.status, reply.headers ?? {});
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Sets how the following requests are answered. */
    answerWith(next: typeof answer): void {
      answer = next;
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
