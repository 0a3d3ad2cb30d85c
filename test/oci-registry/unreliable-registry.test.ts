import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOciRegistry } from '../../src/adapters/oci-registry/oci-registry.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { rejectionOf } from '../support/thrown.js';

const REPO = 'docker-releases/user-service';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const servers: Server[] = [];

/** A registry stand-in on a real loopback socket, answering with `listener`. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    }),
  );
});

describe('retries and timeouts on real sockets', () => {
  it('retries a registry that answers 503 twice, then succeeds', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      if (requests <= 2) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAVAILABLE"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: REPO, tags: ['v1.0.0'] }));
    });
    const oci = createOciRegistry({ url, retryDelayMs: 10 });
    expect(await oci.listTags(REPO)).toEqual(['v1.0.0']);
    expect(requests).toBe(3);
  });

  it('honours a short Retry-After on 429', async () => {
    let requests = 0;
    const started = Date.now();
    const url = await serve((_req, res) => {
      if (++requests === 1) {
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      res.writeHead(200, { 'docker-content-digest': DIGEST }).end();
    });
    expect(await createOciRegistry({ url, retryDelayMs: 1 }).resolveDigest(REPO, 'v1')).toBe(
      DIGEST,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives up after the retries with UnavailableError naming registry and repository', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    const error = await rejectionOf(createOciRegistry({ url, retryDelayMs: 5 }).listTags(REPO));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(
      `registry ${url} is unavailable for repository ${REPO}: HTTP 500 (3 attempts)`,
    );
    expect(requests).toBe(3);
  });

  it('times out a registry that never answers, within the timeout', async () => {
    let requests = 0;
    const url = await serve(() => {
      requests++; // never answers
    });
    const started = Date.now();
    const error = await rejectionOf(
      createOciRegistry({ url, timeoutMs: 300, retries: 0 }).resolveDigest(REPO, 'v1'),
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain(url);
    expect(error.message).toContain(REPO);
    expect(error.message).toContain('no answer within 300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
    expect(requests).toBe(1);
  });

  it('times out a body that stops half-way, and retries it', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"name":"docker-releases/user-service","tags":['); // and nothing more
    });
    const started = Date.now();
    const error = await rejectionOf(
      createOciRegistry({ url, timeoutMs: 200, retries: 1, retryDelayMs: 1 }).listTags(REPO),
    );
    expect(error.message).toContain('no answer within 200 ms (2 attempts)');
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports a refused connection as UnavailableError after retrying', async () => {
    const url = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await rejectionOf(
      createOciRegistry({ url, retries: 1, retryDelayMs: 1 }).listTags(REPO),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(url);
  });
});
