import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';

describe('TokenCache', () => {
  it('keeps a token until expires_in minus a 10 s margin', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set('k', 't', 300);
    now = 289_999;
    expect(cache.get('k')).toBe('t');
    now = 290_000;
    expect(cache.get('k')).toBeUndefined();
  });

  it('defaults to 60 s and keeps half of a very short lifetime', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set('default', 'a', undefined);
    cache.set('short', 'b', 4);
    now = 1_999;
    expect(cache.get('short')).toBe('b');
    now = 2_000;
    expect(cache.get('short')).toBeUndefined();
    now = 49_999;
    expect(cache.get('default')).toBe('a');
    now = 50_000;
    expect(cache.get('default')).toBeUndefined();
  });

  it('treats nonsense lifetimes as the default', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set('k', 't', -5);
    now = 49_000;
    expect(cache.get('k')).toBe('t');
  });

  it('forgets deleted keys and evicts the oldest when full', () => {
    const cache = new TokenCache(() => 0, 2);
    cache.set('a', '1', 60);
    cache.set('b', '2', 60);
    cache.set('c', '3', 60);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, '2', '3']);
    cache.delete('b');
    expect(cache.get('b')).toBeUndefined();
  });
});
