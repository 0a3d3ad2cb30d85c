import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks, startServer, waitFor, type ServerHandle } from './serve-helper.js';

installE2eHooks();

let server: ServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

describe('a client that disconnects while sending a body', () => {
  it('is logged as its own 400, not as a 500 unhandled error, and nothing is stored', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      [
        'POST /api/v1/environments HTTP/1.1',
        `Host: 127.0.0.1:${server.port}`,
        `Authorization: Bearer ${server.token}`,
        'Content-Type: application/json',
        'Content-Length: 1000',
        '',
        '{"environment_name": "sue-cut", "environment_type": "sue", "envi',
      ].join('\r\n'),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();

    const logged = await waitFor('the request log line', () =>
      server
        .logLines()
        .find((line) => line.msg === 'request' && line.path === '/api/v1/environments'),
    );
    expect(logged.status).toBe(400);
    expect(server.logLines().filter((line) => line.msg === 'unhandled error')).toEqual([]);
    expect(server.logLines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    const after = await server.request('GET', '/api/v1/environments/sue-cut');
    expect(after.status).toBe(404);
  });
});
