import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TagPagingProxy {
  readonly url: string;
  /** The tags-list requests seen, as `path?query`. */
  readonly tagRequests: string[];
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of a real registry that pages `GET /v2/<name>/tags/list?n=…&last=…`
 * as the OCI distribution spec ("Listing Tags") describes, with a `Link: <…>; rel="next"`
 * header: distribution 2.8 ignores `n` and always answers the whole list, while
 * distribution 3, Harbor and Artifactory page. Tags come from the registry behind; every
 * other request passes through unchanged. `absoluteLinks` sends absolute instead of the
 * relative links distribution sends.
 */
export async function startTagPagingProxy(
  upstream: string,
  options: { absoluteLinks?: boolean } = {},
): Promise<TagPagingProxy> {
  const tagRequests: string[] = [];
  let self = '';
  const server = createServer((req, res) => {
    handle(req)
      .then(({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(body);
      })
      .catch(() => res.writeHead(502).end());
  });

  async function handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tags !== null && req.method === 'GET') tagRequests.push(`${url.pathname}${url.search}`);
    const n = Number(url.searchParams.get('n') ?? '0');
    const forwarded = tags !== null && n > 0 ? url.pathname : `${url.pathname}${url.search}`;
    const response = await fetch(new URL(forwarded, upstream), {
      method: req.method ?? 'GET',
      headers,
    });
    const body = Buffer.from(await response.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection'].includes(name)) {
        outHeaders[name] = value;
      }
    });
    if (tags === null || n <= 0 || response.status !== 200) {
      return { status: response.status, headers: outHeaders, body };
    }
    const parsed = JSON.parse(body.toString('utf8')) as { name: string; tags: string[] | null };
    const last = url.searchParams.get('last');
    const all = [...(parsed.tags ?? [])].sort().filter((t) => last === null || t > last);
    const page = all.slice(0, n);
    if (all.length > n) {
      const next = `${url.pathname}?last=${encodeURIComponent(page.at(-1)!)}&n=${n}`;
      outHeaders.link = `<${options.absoluteLinks ? `${self}${next}` : next}>; rel="next"`;
    }
    const pageBody = Buffer.from(JSON.stringify({ name: parsed.name, tags: page }));
    return { status: 200, headers: outHeaders, body: pageBody };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: self, tagRequests, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
