import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { HttpEnv } from '../http-env.js';
import { observeRequests } from './observe-requests.js';
import { requestLog } from './request-log.js';

describe('requestLog', () => {
  it('logs the path without its query, so a token in the query never reaches the log', async () => {
    const lines: string[] = [];
    const app = new Hono<HttpEnv>();
    app.use(
      '*',
      observeRequests([
        requestLog({ logger: pino({}, { write: (line: string) => void lines.push(line) }) }),
      ]),
    );
    app.post('/api/v1/bucket-events', (c) => c.json({ accepted: 0, ignored: 0 }));

    const response = await app.request('/api/v1/bucket-events?token=top-secret&x=%74oken', {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ method: 'POST', path: '/api/v1/bucket-events', status: 200 });
    expect(lines[0]).not.toContain('top-secret');
    expect(lines[0]).not.toContain('?');
  });
});
