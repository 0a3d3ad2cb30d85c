import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  claimFiles,
  installE2eHooks,
  startServer,
  type EnvironmentView,
  type Problem,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const validBody = (name: string) => ({
  environment_name: name,
  environment_type: 'dev',
  environment_pool: 'pool-a',
});

describe('HTTP edge cases', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  const expectProblem = (
    response: { status: number; headers: Headers; body: Problem },
    status: number,
  ): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.status).toBe(status);
    expect(typeof response.body.detail).toBe('string');
    expect(response.body.request_id).toBe(response.headers.get('x-request-id'));
  };

  it('answers 401 without a valid bearer token', { timeout: 30_000 }, async () => {
    const paths = ['/api/v1/environments', '/api/v1/rejected-claims', '/api/v1/environment-types'];
    for (const path of paths) {
      const missing = await server.request<Problem>('GET', path, undefined, { token: null });
      expectProblem(missing, 401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    const wrong = await server.request<Problem>('GET', '/api/v1/environments', undefined, {
      token: 'not-a-configured-token',
    });
    expectProblem(wrong, 401);
    const basic = await server.request<Problem>('GET', '/api/v1/environments', undefined, {
      token: null,
      headers: { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` },
    });
    expectProblem(basic, 401);

    const create = await server.request<Problem>('POST', '/api/v1/environments', validBody('x1'), {
      token: null,
    });
    expectProblem(create, 401);
    expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual([]);

    // The unauthenticated endpoints stay open.
    expect((await server.request('GET', '/healthz', undefined, { token: null })).status).toBe(200);
    expect((await server.request('GET', '/readyz', undefined, { token: null })).status).toBe(200);
    const openapi = await server.request<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/openapi.json',
      undefined,
      { token: null },
    );
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toContain('/api/v1/environments');
  });

  it('refuses bodies over 1 MiB with 413', { timeout: 30_000 }, async () => {
    const huge = JSON.stringify({
      ...validBody('too-big'),
      services: { api: 'v1' },
      padding: 'x'.repeat(1024 * 1024 + 10),
    });
    // Over fetch's pooled keep-alive connections: a 413 leaves the body unread, so it
    // must close its connection, or the next request sent on it would be lost.
    const withLength = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: huge,
    });
    expectProblem(withLength, 413);
    expect(withLength.headers.get('connection')).toBe('close');
    expect(withLength.body.detail).toContain('1048576');

    const chunked = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: huge,
      // fetch refuses to set transfer-encoding; node:http sends it on a connection of its own.
      freshConnection: true,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expectProblem(chunked, 413);

    // Exactly at the limit is not refused as too large (it is an invalid claim instead).
    const atLimit = JSON.stringify({ ...validBody('at-limit'), padding: '' });
    const padded = atLimit.replace(
      '"padding":""',
      `"padding":"${'x'.repeat(1024 * 1024 - atLimit.length)}"`,
    );
    expect(Buffer.byteLength(padded)).toBe(1024 * 1024);
    const limit = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: padded,
    });
    expectProblem(limit, 400);
    expect(limit.body.errors?.map((error) => error.path)).toContain('padding');

    expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual([]);
    expect((await server.request('GET', '/api/v1/environments')).status).toBe(200);
    // Two oversized bodies in a row on pooled connections, then a normal request.
    for (let i = 0; i < 2; i++) {
      expectProblem(
        await server.request<Problem>('POST', '/api/v1/environments', undefined, { raw: huge }),
        413,
      );
    }
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });

  it('refuses malformed JSON with 400 and text/plain with 415', { timeout: 30_000 }, async () => {
    const malformed = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: '{"environment_name": "broken",',
    });
    expectProblem(malformed, 400);
    expect(malformed.body.detail).toMatch(/^Malformed JSON/);

    const empty = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: '',
    });
    expectProblem(empty, 400);

    const text = await server.request<Problem>('POST', '/api/v1/environments', undefined, {
      raw: JSON.stringify(validBody('as-text')),
      contentType: 'text/plain',
    });
    expectProblem(text, 415);
    expect(text.body.detail).toContain('text/plain');

    const patchText = await server.request<Problem>(
      'PATCH',
      '/api/v1/environments/anything',
      undefined,
      { raw: '{"services":{}}', contentType: 'text/plain' },
    );
    expectProblem(patchText, 415);

    // Wrong method and unknown route are problems too.
    expectProblem(await server.request<Problem>('PUT', '/api/v1/environments/x'), 405);
    expectProblem(await server.request<Problem>('GET', '/api/v1/nothing-here'), 404);
    const badName = await server.request<Problem>('GET', '/api/v1/environments/Bad_Name');
    expectProblem(badName, 400);

    expect(await claimFiles(server.bucketDir(DYNAMIC))).toEqual([]);
  });
});

describe('graceful shutdown', () => {
  it('exits 0 on SIGTERM, logs "stopped" and keeps the data', { timeout: 30_000 }, async () => {
    const server = await startServer();
    const created = await server.request<EnvironmentView>('POST', '/api/v1/environments', {
      ...validBody('survives-restart'),
      services: { api: 'v4.2.0' },
    });
    expect(created.status).toBe(201);

    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const messages = server.logLines().map((line) => line.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('stopped');
    expect(server.logLines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const again = await startServer({ dataDir: server.dataDir });
    const got = await again.request<EnvironmentView>(
      'GET',
      '/api/v1/environments/survives-restart',
    );
    expect(got.status).toBe(200);
    expect(got.body.services).toEqual({ api: 'v4.2.0' });
    expect(got.body.creation_date).toBe(created.body.creation_date);
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  });
});
