import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Claim } from '../../domain/claims/claim-schema.js';
import type { IndexedEnvironment, RejectedClaim } from '../../ports/claim-index.js';
import { and, inSet, matches, NONE, or, PER_ITEM } from '../../domain/policy/environment-filter.js';
import { filterArbitrary } from '../../../test/access/filter-arbitraries.js';
import { createMemoryClaimIndex } from './memory-claim-index.js';

function environment(
  name: string,
  fields: {
    type?: string;
    pool?: string;
    user?: string;
    expiresAt?: Date | null;
    etag?: string;
    static?: boolean;
  } = {},
): IndexedEnvironment {
  const claim: Claim = {
    environment_name: name,
    environment_type: fields.type ?? 'dev',
    environment_pool: fields.pool ?? 'team1',
    user: fields.user ?? 'alice',
    creation_date: '2024-01-15T10:30:00Z',
    expiration_date: fields.expiresAt ? fields.expiresAt.toISOString() : null,
    services: {},
  };
  return {
    claim,
    bucket: fields.static ? 'static-environments' : 'environments',
    key: `${name}.json`,
    etag: fields.etag ?? `etag-${name}`,
    expiresAt: fields.expiresAt ?? null,
  };
}

function names(items: readonly IndexedEnvironment[]): string[] {
  return items.map((item) => item.claim.environment_name);
}

async function indexWith(...environments: IndexedEnvironment[]) {
  const index = createMemoryClaimIndex();
  for (const item of environments) await index.upsert(item);
  return index;
}

describe('memory claim index: get, upsert, remove', () => {
  it('gets what was upserted, the latest version wins', async () => {
    const index = await indexWith(environment('a', { etag: '1' }));
    await index.upsert(environment('a', { etag: '2', pool: 'team2' }));
    const found = await index.get('a');
    expect(found?.etag).toBe('2');
    expect(found?.claim.environment_pool).toBe('team2');
    const page = await index.query({ limit: 10 });
    expect(names(page.items)).toEqual(['a']);
  });

  it('returns undefined for an unknown name and after removal', async () => {
    const index = await indexWith(environment('a'), environment('b'));
    expect(await index.get('zzz')).toBeUndefined();
    await index.remove('a');
    expect(await index.get('a')).toBeUndefined();
    expect(names((await index.query({ limit: 10 })).items)).toEqual(['b']);
  });

  it('removing an unknown name changes nothing', async () => {
    const index = await indexWith(environment('a'), environment('c'));
    await index.remove('b');
    expect(names((await index.query({ limit: 10 })).items)).toEqual(['a', 'c']);
  });
});

describe('memory claim index: query', () => {
  const all = [
    environment('dev-b', { type: 'dev', pool: 'team1', user: 'alice' }),
    environment('sue-a', { type: 'sue', pool: 'team2', user: 'bob' }),
    environment('dev-a', { type: 'dev', pool: 'team2', user: 'bob' }),
    environment('prod-main', { type: 'prod', pool: 'team1', user: 'carol' }),
    environment('dev-c', { type: 'dev', pool: 'team1', user: 'bob' }),
  ];

  it('lists in name order regardless of insertion order', async () => {
    const index = await indexWith(...all);
    const page = await index.query({ limit: 100 });
    expect(names(page.items)).toEqual(['dev-a', 'dev-b', 'dev-c', 'prod-main', 'sue-a']);
    expect(page.hasMore).toBe(false);
  });

  it('filters by type, pool and user together', async () => {
    const index = await indexWith(...all);
    expect(names((await index.query({ type: 'dev', limit: 100 })).items)).toEqual([
      'dev-a',
      'dev-b',
      'dev-c',
    ]);
    expect(names((await index.query({ pool: 'team1', limit: 100 })).items)).toEqual([
      'dev-b',
      'dev-c',
      'prod-main',
    ]);
    expect(
      names((await index.query({ type: 'dev', pool: 'team1', user: 'bob', limit: 100 })).items),
    ).toEqual(['dev-c']);
    expect((await index.query({ type: 'staging', limit: 100 })).items).toEqual([]);
  });

  it('pages with limit, hasMore and after', async () => {
    const index = await indexWith(...all);
    const first = await index.query({ limit: 2 });
    expect(names(first.items)).toEqual(['dev-a', 'dev-b']);
    expect(first.hasMore).toBe(true);
    const second = await index.query({ limit: 2, after: 'dev-b' });
    expect(names(second.items)).toEqual(['dev-c', 'prod-main']);
    expect(second.hasMore).toBe(true);
    const third = await index.query({ limit: 2, after: 'prod-main' });
    expect(names(third.items)).toEqual(['sue-a']);
    expect(third.hasMore).toBe(false);
  });

  it('hasMore is false when the page ends exactly at the last match', async () => {
    const index = await indexWith(...all);
    const page = await index.query({ type: 'dev', limit: 3 });
    expect(names(page.items)).toEqual(['dev-a', 'dev-b', 'dev-c']);
    expect(page.hasMore).toBe(false);
    const trimmed = await index.query({ type: 'dev', limit: 2 });
    expect(trimmed.hasMore).toBe(true);
  });

  it('after need not be an indexed name, and is exclusive', async () => {
    const index = await indexWith(...all);
    expect(names((await index.query({ limit: 10, after: 'dev-bb' })).items)).toEqual([
      'dev-c',
      'prod-main',
      'sue-a',
    ]);
    expect(names((await index.query({ limit: 10, after: 'dev-a' })).items)[0]).toBe('dev-b');
    expect((await index.query({ limit: 10, after: 'zzz' })).items).toEqual([]);
  });

  it('applies where before the limit, so pages stay full', async () => {
    const index = await indexWith(...all);
    const page = await index.query({
      limit: 2,
      where: inSet('owner', ['bob']),
    });
    expect(names(page.items)).toEqual(['dev-a', 'dev-c']);
    expect(page.hasMore).toBe(true);
  });

  it('answers a filter that matches nothing without deciding anything', async () => {
    const index = await indexWith(...all);
    const decide = vi.fn(() => true);
    for (const where of [NONE, and(inSet('pool', ['nowhere']), PER_ITEM)])
      expect(await index.query({ limit: 10, where, decide })).toEqual({
        items: [],
        hasMore: false,
      });
    expect(decide).not.toHaveBeenCalled();
  });

  it('finds an environment deleted and created again under a filter (its posting list is not counted empty)', async () => {
    // The property's counterexample (seed 1263190168): the re-added name merged into its
    // stale copy, the list still counted it stale, estimated 0 live names, and the filtered
    // query skipped the list as empty.
    const index = createMemoryClaimIndex();
    await index.upsert(environment('f', { type: 'dev' }));
    await index.remove('f');
    await index.query({ type: 'dev', limit: 10 });
    // Enough others that the dev list is the selective path, not a scan of every name.
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      await index.upsert(environment(name, { type: 'sue' }));
    await index.upsert(environment('f', { type: 'dev' }));
    const first = await index.query({ type: 'dev', limit: 10 });
    expect(names(first.items)).toEqual(['f']);
    const again = await index.query({ type: 'dev', limit: 0 });
    expect(again).toEqual({ items: [], hasMore: true });
  });

  it('reads only the candidates of the posting lists a filter names', async () => {
    const many = Array.from({ length: 200 }, (_, n) =>
      environment(`env-${String(n).padStart(3, '0')}`, {
        pool: `pool-${n % 20}`,
        type: n % 2 === 0 ? 'dev' : 'sue',
        user: `user-${n % 7}`,
      }),
    );
    const index = await indexWith(...many.reverse());
    const decided: string[] = [];
    const page = await index.query({
      limit: 3,
      where: or(
        and(inSet('pool', ['pool-3', 'pool-13']), PER_ITEM),
        and(inSet('owner', ['user-1']), inSet('type', ['sue'])),
      ),
      decide: (item) => {
        decided.push(item.claim.environment_name);
        return item.claim.environment_pool === 'pool-13';
      },
    });
    expect(names(page.items)).toEqual(['env-001', 'env-013', 'env-015']);
    expect(page.hasMore).toBe(true);
    // Only pool-3 and pool-13 candidates reached the per-item leaf, in name order.
    expect(decided).toEqual(['env-003', 'env-013', 'env-023']);
  });
});

describe('memory claim index: model-based property', () => {
  const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'aa', 'ab', 'b-1', 'z9', '0', '9'];
  const TYPES = ['dev', 'sue', 'prod'];
  const POOLS = ['team1', 'team2'];
  const USERS = ['alice', 'bob'];

  const operation = fc.oneof(
    fc.record({
      kind: fc.constant('upsert' as const),
      name: fc.constantFrom(...NAMES),
      type: fc.constantFrom(...TYPES),
      pool: fc.constantFrom(...POOLS),
      user: fc.constantFrom(...USERS),
    }),
    fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom(...NAMES) }),
  );

  const query = fc.record({
    type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
    pool: fc.option(fc.constantFrom(...POOLS), { nil: undefined }),
    user: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
    after: fc.option(fc.constantFrom(...NAMES, '', 'a0', 'zz'), { nil: undefined }),
    limit: fc.integer({ min: 0, max: 14 }),
  });

  it('query equals filter + sort + slice over a naive map', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { maxLength: 60 }),
        fc.array(query, { minLength: 1, maxLength: 5 }),
        async (operations, queries) => {
          const index = createMemoryClaimIndex();
          const model = new Map<string, IndexedEnvironment>();
          for (const op of operations) {
            if (op.kind === 'upsert') {
              const item = environment(op.name, op);
              model.set(op.name, item);
              await index.upsert(item);
            } else {
              model.delete(op.name);
              await index.remove(op.name);
            }
          }
          for (const q of queries) {
            const matching = [...model.values()]
              .filter(
                (item) =>
                  (q.type === undefined || item.claim.environment_type === q.type) &&
                  (q.pool === undefined || item.claim.environment_pool === q.pool) &&
                  (q.user === undefined || item.claim.user === q.user) &&
                  (q.after === undefined || item.claim.environment_name > q.after),
              )
              .sort((x, y) =>
                x.claim.environment_name < y.claim.environment_name
                  ? -1
                  : x.claim.environment_name > y.claim.environment_name
                    ? 1
                    : 0,
              );
            const page = await index.query(q);
            expect(page.items).toEqual(matching.slice(0, q.limit));
            expect(page.hasMore).toBe(matching.length > q.limit);
          }
          for (const name of NAMES) expect(await index.get(name)).toEqual(model.get(name));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('paging through with after visits every match once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length }),
        fc.integer({ min: 1, max: 5 }),
        async (inserted, limit) => {
          const index = createMemoryClaimIndex();
          for (const name of inserted) await index.upsert(environment(name));
          const seen: string[] = [];
          let after: string | undefined;
          for (let guard = 0; guard <= NAMES.length; guard++) {
            const page = await index.query({ limit, after });
            seen.push(...names(page.items));
            if (!page.hasMore) break;
            after = seen.at(-1);
          }
          expect(seen).toEqual([...inserted].sort());
        },
      ),
    );
  });
});

describe('memory claim index: filters and access paths', () => {
  const NAMES = Array.from({ length: 40 }, (_, n) => `e${n}`);
  const TYPES = ['dev', 'sue', 'prod'];
  const POOLS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  const USERS = ['ann', 'bob', 'cy', 'dee'];
  const operation = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('upsert' as const),
        name: fc.constantFrom(...NAMES),
        type: fc.constantFrom(...TYPES),
        pool: fc.constantFrom(...POOLS),
        user: fc.constantFrom(...USERS),
        static: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('remove' as const),
        name: fc.constantFrom(...NAMES),
      }),
    },
  );
  const query = fc.record({
    where: filterArbitrary([...NAMES.slice(0, 8), ...TYPES, ...POOLS, ...USERS]),
    type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
    pool: fc.option(fc.constantFrom(...POOLS), { nil: undefined }),
    user: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
    after: fc.option(fc.constantFrom(...NAMES, '', 'e', 'z'), { nil: undefined }),
    limit: fc.integer({ min: 0, max: 12 }),
  });
  const decide = (item: IndexedEnvironment): boolean =>
    item.claim.environment_name.length % 2 === 0;

  it('query with any filter equals a naive scan', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { maxLength: 150 }),
        fc.array(query, { minLength: 1, maxLength: 6 }),
        async (operations, queries) => {
          const index = createMemoryClaimIndex();
          const model = new Map<string, IndexedEnvironment>();
          for (const [position, op] of operations.entries()) {
            if (op.kind === 'upsert') {
              const item = environment(op.name, op);
              model.set(op.name, item);
              await index.upsert(item);
            } else {
              model.delete(op.name);
              await index.remove(op.name);
            }
            // Reads between writes, so lazily sorted lists are merged in every state.
            if (position % 37 === 36) await index.query({ limit: 1, where: inSet('pool', ['p1']) });
          }
          for (const q of queries) {
            const matching = [...model.values()]
              .filter((item) => {
                const { claim } = item;
                const subject = {
                  name: claim.environment_name,
                  type: claim.environment_type,
                  pool: claim.environment_pool,
                  owner: claim.user,
                  static: item.bucket === 'static-environments',
                };
                return (
                  (q.type === undefined || subject.type === q.type) &&
                  (q.pool === undefined || subject.pool === q.pool) &&
                  (q.user === undefined || subject.owner === q.user) &&
                  (q.after === undefined || subject.name > q.after) &&
                  matches(q.where, subject, () => decide(item))
                );
              })
              .map((item) => item.claim.environment_name)
              .sort();
            const page = await index.query({ ...q, decide });
            expect(names(page.items)).toEqual(matching.slice(0, q.limit));
            expect(page.hasMore).toBe(matching.length > q.limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact under 100,000 upserts in random order, moves and removals', async () => {
    const index = createMemoryClaimIndex();
    const count = 100_000;
    const order = Array.from({ length: count }, (_, n) => (n * 7919) % count);
    for (const n of order)
      await index.upsert(
        environment(`env-${String(n).padStart(6, '0')}`, { pool: `pool-${n % 1000}` }),
      );
    await index.upsert(environment('env-000007', { pool: 'pool-3' }));
    await index.remove('env-001003');
    const page = await index.query({ limit: 4, where: inSet('pool', ['pool-3']) });
    expect(names(page.items)).toEqual(['env-000003', 'env-000007', 'env-002003', 'env-003003']);
    const all = await index.query({ limit: 3, after: 'env-099997' });
    expect(names(all.items)).toEqual(['env-099998', 'env-099999']);
  });
});

describe('memory claim index: expiredAt', () => {
  it('returns environments whose expiry is at or before the instant, never those without', async () => {
    const index = await indexWith(
      environment('a', { expiresAt: new Date('2024-01-16T10:00:00Z') }),
      environment('b', { expiresAt: new Date('2024-01-16T10:30:00Z') }),
      environment('c', { expiresAt: new Date('2024-01-16T10:30:00.001Z') }),
      environment('d', { expiresAt: null }),
    );
    const expired = await index.expiredAt(new Date('2024-01-16T10:30:00Z'));
    expect(names(expired).sort()).toEqual(['a', 'b']);
    expect(await index.expiredAt(new Date('2024-01-01T00:00:00Z'))).toEqual([]);
    expect(names(await index.expiredAt(new Date('2030-01-01T00:00:00Z'))).sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('forgets removed and re-dated environments', async () => {
    const index = await indexWith(
      environment('a', { expiresAt: new Date('2024-01-16T10:00:00Z') }),
      environment('b', { expiresAt: new Date('2024-01-16T10:00:00Z') }),
    );
    await index.remove('a');
    await index.upsert(environment('b', { expiresAt: null }));
    expect(await index.expiredAt(new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('memory claim index: rejected documents', () => {
  function rejectedEntry(
    bucket: RejectedClaim['bucket'],
    key: string,
    message = 'bad',
  ): RejectedClaim {
    return {
      bucket,
      key,
      reasons: [{ path: '(root)', message }],
      observedAt: '2024-01-15T10:30:00Z',
    };
  }

  it('lists rejected entries sorted by bucket and key', async () => {
    const index = createMemoryClaimIndex();
    await index.setRejected(
      'static-environments',
      'a.json',
      rejectedEntry('static-environments', 'a.json'),
    );
    await index.setRejected('environments', 'z.json', rejectedEntry('environments', 'z.json'));
    await index.setRejected('environments', 'b.json', rejectedEntry('environments', 'b.json'));
    expect((await index.listRejected()).map((entry) => `${entry.bucket}/${entry.key}`)).toEqual([
      'environments/b.json',
      'environments/z.json',
      'static-environments/a.json',
    ]);
  });

  it('replaces an entry for the same bucket and key, and clears it with undefined', async () => {
    const index = createMemoryClaimIndex();
    await index.setRejected(
      'environments',
      'x.json',
      rejectedEntry('environments', 'x.json', 'first'),
    );
    await index.setRejected(
      'environments',
      'x.json',
      rejectedEntry('environments', 'x.json', 'second'),
    );
    await index.setRejected(
      'static-environments',
      'x.json',
      rejectedEntry('static-environments', 'x.json'),
    );
    const listed = await index.listRejected();
    expect(listed).toHaveLength(2);
    expect(listed[0]?.reasons).toEqual([{ path: '(root)', message: 'second' }]);
    await index.setRejected('environments', 'x.json', undefined);
    expect((await index.listRejected()).map((entry) => entry.bucket)).toEqual([
      'static-environments',
    ]);
  });

  it('keeps rejected entries separate from served environments', async () => {
    const index = createMemoryClaimIndex();
    await index.setRejected('environments', 'a.json', rejectedEntry('environments', 'a.json'));
    expect(await index.get('a')).toBeUndefined();
    expect((await index.query({ limit: 10 })).items).toEqual([]);
  });
});

describe('memory claim index: key → name', () => {
  it('records which name each key claims, and every key of a name in bucket and key order', async () => {
    const index = createMemoryClaimIndex();
    await index.setKeyName('environments', 'z.json', 'dup');
    await index.setKeyName('environments', 'a.json', 'dup');
    await index.setKeyName('static-environments', 'dup.json', 'dup');
    await index.setKeyName('environments', 'other.json', 'other');
    expect(await index.keysOfName('dup')).toEqual([
      { bucket: 'environments', key: 'a.json' },
      { bucket: 'environments', key: 'z.json' },
      { bucket: 'static-environments', key: 'dup.json' },
    ]);
    expect(await index.nameOfKey('environments', 'a.json')).toBe('dup');
    expect(await index.nameOfKey('static-environments', 'a.json')).toBeUndefined();

    // A key that now claims another name moves; a key with no claim is forgotten.
    await index.setKeyName('environments', 'a.json', 'other');
    await index.setKeyName('static-environments', 'dup.json', undefined);
    expect(await index.keysOfName('dup')).toEqual([{ bucket: 'environments', key: 'z.json' }]);
    expect((await index.keysOfName('other')).map((ref) => ref.key)).toEqual([
      'a.json',
      'other.json',
    ]);
    await index.setKeyName('environments', 'z.json', undefined);
    expect(await index.keysOfName('dup')).toEqual([]);
    expect(await index.nameOfKey('environments', 'z.json')).toBeUndefined();
  });
});
