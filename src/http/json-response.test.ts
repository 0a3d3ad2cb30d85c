import { describe, expect, it } from 'vitest';
import { jsonResponse } from './json-response.js';

describe('jsonResponse', () => {
  it('answers the JSON of the body with its status and headers as c.json would', async () => {
    const response = jsonResponse({ a: 1, b: ['x'] }, 201, { etag: '"e1"' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('etag')).toBe('"e1"');
    expect(await response.text()).toBe('{"a":1,"b":["x"]}');
  });

  it('serializes a body that can change every time, a frozen one once', async () => {
    const open: { n: number } = { n: 1 };
    await jsonResponse(open, 200, {}).text();
    open.n = 2;
    expect(await jsonResponse(open, 200, {}).text()).toBe('{"n":2}');

    let reads = 0;
    const frozen = Object.freeze({
      get n() {
        reads++;
        return 1;
      },
    });
    expect(await jsonResponse(frozen, 200, {}).text()).toBe('{"n":1}');
    expect(await jsonResponse(frozen, 200, {}).text()).toBe('{"n":1}');
    expect(reads).toBe(1);
  });
});
