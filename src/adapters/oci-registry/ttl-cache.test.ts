import { describe, expect, it } from 'vitest';
import { createTtlCache } from './ttl-cache.js';

describe('createTtlCache', () => {
  it('serves a value until the TTL passes, then loads again', async () => {
    let now = 0;
    let loads = 0;
    const cache = createTtlCache<number>({ ttlMs: 1_000, now: () => now });
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('k', load)).toBe(1);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1_000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('shares one in-flight load between concurrent callers', async () => {
    let loads = 0;
    let release!: (value: string) => void;
    const cache = createTtlCache<string>({ ttlMs: 0, now: () => 0 });
    const load = () => {
      loads++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    await Promise.resolve();
    release('v');
    expect(await both).toEqual(['v', 'v']);
    expect(loads).toBe(1);
    // TTL 0 keeps nothing once the load is done.
    release = () => undefined;
    void cache.get('k', load);
    await Promise.resolve();
    expect(loads).toBe(2);
  });

  it('does not keep failures, even synchronous ones', async () => {
    const cache = createTtlCache<number>({ ttlMs: 1_000, now: () => 0 });
    await expect(
      cache.get('k', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(cache.get('k', () => Promise.reject(new Error('again')))).rejects.toThrow('again');
    expect(await cache.get('k', () => Promise.resolve(7))).toBe(7);
  });

  it('does not keep values that keep() rejects', async () => {
    let loads = 0;
    const cache = createTtlCache<number | undefined>({ ttlMs: 1_000, now: () => 0 });
    const load = () => Promise.resolve(loads++ === 0 ? undefined : 5);
    const keep = (value: number | undefined) => value !== undefined;
    expect(await cache.get('k', load, keep)).toBeUndefined();
    expect(await cache.get('k', load, keep)).toBe(5);
    expect(await cache.get('k', load, keep)).toBe(5);
    expect(loads).toBe(2);
  });

  it('evicts the oldest entry when full, and clear() empties it', async () => {
    let loads = 0;
    const cache = createTtlCache<number>({ ttlMs: 1_000, now: () => 0, maxEntries: 2 });
    const load = () => Promise.resolve(++loads);
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('b', load)).toBe(2);
    expect(await cache.get('a', load)).toBe(4);
    cache.clear();
    expect(await cache.get('b', load)).toBe(5);
  });
});
