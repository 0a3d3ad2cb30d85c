import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from '../../src/domain/errors.js';
import type { ClaimStore, StoreChange } from '../../src/ports/claim-store.js';
import { withHarness } from './with-harness.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (body: Uint8Array | undefined): string | undefined =>
  body === undefined ? undefined : Buffer.from(body).toString('utf8');

export interface StoreHarness {
  readonly store: ClaimStore;
  /** Writes an object as another process would (bypassing the store), e.g. `mc cp`. */
  writeOutOfBand(
    bucket: 'environments' | 'static-environments',
    key: string,
    body: string,
  ): Promise<void>;
  /** Writes an object under a prefix (`rendered/…`), which listings must not show. */
  writeNested(bucket: 'environments', key: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The behaviour every `ClaimStore` adapter must have (fs today, S3 next). Each adapter's
 * test file calls this with a factory for a fresh, empty store.
 */
export function describeClaimStoreContract(
  name: string,
  create: () => Promise<StoreHarness>,
): void {
  describe(`ClaimStore contract: ${name}`, () => {
    const withStore = withHarness(create);

    it(
      'gets what was put, with an etag, and nothing for an absent key',
      withStore(async ({ store }) => {
        expect(await store.get('environments', 'a.json')).toBeUndefined();
        const etag = await store.putIfAbsent('environments', 'a.json', bytes('{"a":1}'));
        const object = await store.get('environments', 'a.json');
        expect(text(object?.body)).toBe('{"a":1}');
        expect(object?.etag).toBe(etag);
        // The change-feed lag is measured from here: a real time, not the epoch.
        expect(object?.modifiedAt?.getTime()).toBeGreaterThan(Date.parse('2020-01-01'));
        expect(await store.get('static-environments', 'a.json')).toBeUndefined();
      }),
    );

    it(
      'heads an object: its etag as get and put give it, nothing for an absent key',
      withStore(async (harness) => {
        const { store } = harness;
        expect(await store.head('environments', 'a.json')).toBeUndefined();
        const etag = await store.putIfAbsent('environments', 'a.json', bytes('{"a":1}'));
        expect(await store.head('environments', 'a.json')).toBe(etag);
        expect(await store.head('static-environments', 'a.json')).toBeUndefined();
        await harness.writeOutOfBand('environments', 'a.json', '{"a":2,"b":3}');
        const changed = await store.head('environments', 'a.json');
        expect(changed).not.toBe(etag);
        expect(changed).toBe((await store.get('environments', 'a.json'))?.etag);
        await store.delete('environments', 'a.json');
        expect(await store.head('environments', 'a.json')).toBeUndefined();
      }),
    );

    it(
      'publishes a create only once its `after` resolves, and nothing when it rejects',
      withStore(async ({ store }) => {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const waiting = store.putIfAbsent('environments', 'a.json', bytes('{"a":1}'), {
          after: gate,
        });
        // Time for the store to prepare all it may (the fs store's temp file and fsync).
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await store.head('environments', 'a.json')).toBeUndefined();
        release();
        const etag = await waiting;
        expect(await store.head('environments', 'a.json')).toBe(etag);

        const refused = new Error('the audit record could not be written');
        const failed = store.putIfAbsent('environments', 'b.json', bytes('{"b":1}'), {
          after: Promise.reject(refused),
        });
        await expect(failed).rejects.toBe(refused);
        expect(await store.head('environments', 'b.json')).toBeUndefined();
        expect((await store.list('environments')).map((info) => info.key)).toEqual(['a.json']);
      }),
    );

    it(
      'lets exactly one of many concurrent creators win',
      withStore(async ({ store }) => {
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            store.putIfAbsent('environments', 'x.json', bytes(`${i}`)),
          ),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const losers = results.filter((result) => result.status === 'rejected');
        expect(losers).toHaveLength(49);
        for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConflictError);
      }),
    );

    it(
      'replaces only the version it was given',
      withStore(async ({ store }) => {
        const first = await store.putIfAbsent('environments', 'a.json', bytes('1'));
        const second = await store.putIfMatch('environments', 'a.json', bytes('2'), first);
        expect(second).not.toBe(first);
        await expect(
          store.putIfMatch('environments', 'a.json', bytes('3'), first),
        ).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(text((await store.get('environments', 'a.json'))?.body)).toBe('2');
        await expect(
          store.putIfMatch('environments', 'gone.json', bytes('x'), first),
        ).rejects.toBeInstanceOf(PreconditionFailedError);
      }),
    );

    it(
      'serialises concurrent conditional replaces: one winner per version',
      withStore(async ({ store }) => {
        const first = await store.putIfAbsent('environments', 'a.json', bytes('0'));
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.putIfMatch('environments', 'a.json', bytes(`${i + 1}`), first),
          ),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      }),
    );

    it(
      'deletes, conditionally when asked, and reports absence',
      withStore(async ({ store }) => {
        const etag = await store.putIfAbsent('environments', 'a.json', bytes('1'));
        await expect(
          store.delete('environments', 'a.json', { ifMatch: 'other' }),
        ).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await store.delete('environments', 'a.json', { ifMatch: etag })).toBe(true);
        expect(await store.delete('environments', 'a.json')).toBe(false);
        expect(await store.get('environments', 'a.json')).toBeUndefined();
      }),
    );

    it(
      'lists top-level objects in key order, not those under a prefix',
      withStore(async (harness) => {
        const { store } = harness;
        await store.putIfAbsent('environments', 'b.json', bytes('b'));
        await store.putIfAbsent('environments', 'a.json', bytes('a'));
        await harness.writeOutOfBand('environments', 'c.json', 'c');
        await harness.writeNested('environments', 'rendered/a/kustomization.yaml', 'x');
        const listed = await store.list('environments');
        expect(listed.map((info) => info.key)).toEqual(['a.json', 'b.json', 'c.json']);
        expect(await store.list('static-environments')).toEqual([]);
      }),
    );

    it(
      'refuses to read an object above maxBytes',
      withStore(async ({ store }) => {
        await store.putIfAbsent('environments', 'big.json', bytes('x'.repeat(2048)));
        await expect(
          store.get('environments', 'big.json', { maxBytes: 1024 }),
        ).rejects.toBeInstanceOf(PayloadTooLargeError);
        expect((await store.get('environments', 'big.json', { maxBytes: 4096 }))?.body.length).toBe(
          2048,
        );
      }),
    );

    it(
      'reports changes by this process and by others on the change feed',
      withStore(async (harness) => {
        const { store } = harness;
        const seen: StoreChange[] = [];
        const lifetime = new AbortController();
        await store.watch((change) => seen.push(change), { signal: lifetime.signal });
        try {
          const saw = (key: string) => async () => {
            await expect
              .poll(() => seen.some((change) => change.key === key), {
                timeout: 5_000,
                interval: 20,
              })
              .toBe(true);
            seen.length = 0;
          };
          await store.putIfAbsent('environments', 'a.json', bytes('1'));
          await saw('a.json')();
          await harness.writeOutOfBand('static-environments', 'b.json', '2');
          await saw('b.json')();
          await store.delete('environments', 'a.json');
          await saw('a.json')();
        } finally {
          lifetime.abort();
        }
      }),
    );
  });
}
