// The baseline for GET throughput in bench/scale.js: a bare Hono server on @hono/node-server
// answering GET /api/v1/environments/:name with a fixed body (the platform's own JSON for
// one environment) and its headers. No auth, no index: the speed of HTTP in Node.
// Usage: node bench/scale/bare-hono.js BODY_FILE ETAG   → prints {"port":N} when listening
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const [bodyFile, etag] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const app = new Hono();
app.get('/api/v1/environments/:name', (c) =>
  c.body(body, 200, { 'content-type': 'application/json', ...(etag ? { etag } : {}) }),
);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
