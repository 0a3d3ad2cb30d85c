import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/domain/claims/claim-schema.js';
import {
  and,
  inSet,
  isStatic,
  like,
  not,
  or,
  PER_ITEM,
} from '../../src/domain/policy/environment-filter.js';
import type { ClaimIndex, IndexedEnvironment } from '../../src/ports/claim-index.js';
import { withHarness } from './with-harness.js';

export interface IndexHarness {
  readonly index: ClaimIndex;
  close(): Promise<void>;
}

interface Fields {
  type?: string;
  pool?: string;
  user?: string;
  expiresAt?: Date | null;
  etag?: string;
  static?: boolean;
  services?: Claim['services'];
}

export function environment(name: string, fields: Fields = {}): IndexedEnvironment {
  const claim: Claim = {
    environment_name: name,
    environment_type: fields.type ?? 'dev',
    environment_pool: fields.pool ?? 'team1',
    user: fields.user ?? 'alice@example.com',
    creation_date: '2024-01-15T10:30:00Z',
    expiration_date: fields.expiresAt ? fields.expiresAt.toISOString() : null,
    services: fields.services ?? {},
    ...(fields.static ? { deployment_method: 'git', git_repository: 'g', branch: 'main' } : {}),
  };
  return {
    claim,
    bucket: fields.static ? 'static-environments' : 'environments',
    key: `${name}.json`,
    etag: fields.etag ?? `etag-${name}`,
    expiresAt: fields.expiresAt ?? null,
  };
}

const names = (items: readonly IndexedEnvironment[]): string[] =>
  items.map((item) => item.claim.environment_name);

/** Every page of a query, following `after` from the last item while `hasMore`. */
async function allPages(
  index: ClaimIndex,
  query: Omit<Parameters<ClaimIndex['query']>[0], 'after'>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await index.query({ ...query, after });
    pages.push(names(page.items));
    if (!page.hasMore) return pages;
    after = page.items.at(-1)?.claim.environment_name;
    if (pages.length > 100) throw new Error('pagination does not end');
  }
}

/**
 * The behaviour every `ClaimIndex` adapter must have (memory and PostgreSQL). Each adapter's
 * test file calls this with a factory for a fresh, empty index.
 */
export function describeClaimIndexContract(
  name: string,
  create: () => Promise<IndexHarness>,
): void {
  const test = withHarness(create);

  describe(`ClaimIndex contract: ${name}`, () => {
    it(
      'returns what was upserted, replaces it, and forgets it on remove',
      test(async ({ index }) => {
        const first = environment('web', {
          expiresAt: new Date('2030-01-01T00:00:00.123Z'),
          services: { api: 'v1.2.3', ui: { version: '^1.0.0', docker_image: 'r/ui:1' } },
        });
        await index.upsert(first);
        expect(await index.get('web')).toEqual(first);
        expect((await index.get('web'))?.expiresAt).toBeInstanceOf(Date);
        const second = environment('web', { pool: 'team2', etag: 'e2', expiresAt: null });
        await index.upsert(second);
        expect(await index.get('web')).toEqual(second);
        expect(await index.get('nope')).toBeUndefined();
        await index.remove('web');
        await index.remove('web');
        expect(await index.get('web')).toBeUndefined();
        expect((await index.query({ limit: 10 })).items).toEqual([]);
      }),
    );

    it(
      'pages in name order (byte order) with a cursor, every item once',
      test(async ({ index }) => {
        const all = ['b', 'a-1', 'a', 'c9', 'c10', 'z', 'a0', 'm', 'b-b'];
        for (const item of all) await index.upsert(environment(item));
        const sorted = [...all].sort();
        const pages = await allPages(index, { limit: 4 });
        expect(pages).toEqual([sorted.slice(0, 4), sorted.slice(4, 8), sorted.slice(8)]);
        const exact = await index.query({ limit: all.length });
        expect(exact.hasMore).toBe(false);
        expect(names(exact.items)).toEqual(sorted);
        const after = await index.query({ limit: 2, after: 'b' });
        expect(names(after.items)).toEqual(['b-b', 'c10']);
        expect(after.hasMore).toBe(true);
        expect((await index.query({ limit: 5, after: 'zz' })).items).toEqual([]);
      }),
    );

    it(
      'filters by type, pool and user together',
      test(async ({ index }) => {
        await index.upsert(environment('a', { type: 'dev', pool: 'p1', user: 'u1' }));
        await index.upsert(environment('b', { type: 'sue', pool: 'p1', user: 'u1' }));
        await index.upsert(environment('c', { type: 'dev', pool: 'p2', user: 'u1' }));
        await index.upsert(environment('d', { type: 'dev', pool: 'p1', user: 'u2' }));
        await index.upsert(environment('e', { type: 'dev', pool: 'p1', user: 'u1' }));
        expect(names((await index.query({ limit: 10, type: 'dev' })).items)).toEqual([
          'a',
          'c',
          'd',
          'e',
        ]);
        expect(names((await index.query({ limit: 10, pool: 'p2' })).items)).toEqual(['c']);
        expect(
          names((await index.query({ limit: 10, type: 'dev', pool: 'p1', user: 'u1' })).items),
        ).toEqual(['a', 'e']);
        expect((await index.query({ limit: 10, user: 'nobody' })).items).toEqual([]);
      }),
    );

    it(
      'applies a permission filter before the limit, so pages stay full',
      test(async ({ index }) => {
        for (let n = 0; n < 30; n++) {
          const item = `env-${String(n).padStart(2, '0')}`;
          await index.upsert(
            environment(item, { pool: n % 3 === 0 ? 'shared-a' : 'own', static: n % 5 === 0 }),
          );
        }
        const where = or(like('pool', [{ literal: 'shared-' }, '*']), isStatic(true));
        const expected = Array.from({ length: 30 }, (_, n) => n)
          .filter((n) => n % 3 === 0 || n % 5 === 0)
          .map((n) => `env-${String(n).padStart(2, '0')}`);
        expect((await allPages(index, { limit: 4, where })).flat()).toEqual(expected);
        const pages = await allPages(index, { limit: 4, where });
        expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
        expect(
          names((await index.query({ limit: 50, where: not(inSet('pool', ['own'])) })).items),
        ).toEqual([
          'env-00',
          'env-03',
          'env-06',
          'env-09',
          'env-12',
          'env-15',
          'env-18',
          'env-21',
          'env-24',
          'env-27',
        ]);
      }),
    );

    it(
      'pages a filter of a few pools or owners in name order, with the request filters',
      test(async ({ index }) => {
        for (let n = 0; n < 40; n++) {
          const item = `env-${String(n).padStart(2, '0')}`;
          await index.upsert(
            environment(item, {
              pool: `p${n % 8}`,
              user: n % 7 === 0 ? 'me' : 'other',
              type: n % 2 === 0 ? 'dev' : 'sue',
            }),
          );
        }
        // Pools p1 and p6, any sue of mine: the shape of a collaborator's read filter.
        const where = or(
          inSet('pool', ['p1', 'p6']),
          and(inSet('type', ['sue']), inSet('owner', ['me'])),
        );
        const wanted = (n: number) => n % 8 === 1 || n % 8 === 6 || (n % 2 === 1 && n % 7 === 0);
        const expected = Array.from({ length: 40 }, (_, n) => n)
          .filter(wanted)
          .map((n) => `env-${String(n).padStart(2, '0')}`);
        expect((await allPages(index, { limit: 3, where })).flat()).toEqual(expected);
        const devOnly = expected.filter((name) => Number(name.slice(4)) % 2 === 0);
        expect((await allPages(index, { limit: 2, where, type: 'dev' })).flat()).toEqual(devOnly);
      }),
    );

    it(
      'treats like literals with %, _ and \\ as themselves',
      test(async ({ index }) => {
        await index.upsert(environment('a', { user: 'x%y' }));
        await index.upsert(environment('b', { user: 'xzy' }));
        await index.upsert(environment('c', { user: 'x_y\\' }));
        await index.upsert(environment('d', { user: 'xqy\\' }));
        const run = async (pattern: Parameters<typeof like>[1]) =>
          names((await index.query({ limit: 10, where: like('owner', pattern) })).items);
        expect(await run([{ literal: 'x%y' }])).toEqual(['a']);
        expect(await run([{ literal: 'x_y' }, '*'])).toEqual(['c']);
        expect(await run(['*', { literal: '\\' }])).toEqual(['c', 'd']);
        expect(await run(['*'])).toEqual(['a', 'b', 'c', 'd']);
      }),
    );

    it(
      'decides per-item leaves only where the data cannot, and refills the page',
      test(async ({ index }) => {
        for (let n = 0; n < 40; n++)
          await index.upsert(
            environment(`e${String(n).padStart(2, '0')}`, { pool: n < 10 ? 'open' : 'x' }),
          );
        const asked: string[] = [];
        const decide = (item: IndexedEnvironment): boolean => {
          asked.push(item.claim.environment_name);
          return Number(item.claim.environment_name.slice(1)) % 4 === 0;
        };
        const where = or(inSet('pool', ['open']), PER_ITEM);
        const pages = await allPages(index, { limit: 5, where, decide });
        const expected = Array.from({ length: 40 }, (_, n) => n)
          .filter((n) => n < 10 || n % 4 === 0)
          .map((n) => `e${String(n).padStart(2, '0')}`);
        expect(pages.flat()).toEqual(expected);
        expect(pages.slice(0, -1).every((page) => page.length === 5)).toBe(true);
        expect(asked.some((item) => Number(item.slice(1)) < 10)).toBe(false);
        // `not` of a per-item leaf: the leaf is asked, its answer inverted.
        const inverted = await index.query({
          limit: 100,
          where: and(inSet('pool', ['open']), not(PER_ITEM)),
          decide,
        });
        expect(names(inverted.items)).toEqual(['e01', 'e02', 'e03', 'e05', 'e06', 'e07', 'e09']);
        await expect(index.query({ limit: 5, where: PER_ITEM })).rejects.toThrow(TypeError);
      }),
    );

    it(
      'searches name, service names and user with q, case-insensitively',
      test(async ({ index }) => {
        await index.upsert(environment('checkout-dev', { user: 'alice@example.com' }));
        await index.upsert(
          environment('web', { user: 'Bob@Example.com', services: { 'payments-api': 'v1' } }),
        );
        await index.upsert(environment('other', { user: 'carol', services: { ui: 'v2' } }));
        await index.upsert(environment('pct', { user: 'a%b_c' }));
        const search = async (q: string, extra: { pool?: string } = {}) =>
          names((await index.query({ limit: 10, q, ...extra })).items);
        expect(await search('CHECKOUT')).toEqual(['checkout-dev']);
        expect(await search('payments')).toEqual(['web']);
        expect(await search('bob@')).toEqual(['web']);
        expect(await search('example.com')).toEqual(['checkout-dev', 'web']);
        expect(await search('v1')).toEqual([]);
        expect(await search('%')).toEqual(['pct']);
        expect(await search('_')).toEqual(['pct']);
        expect(await search('e')).toEqual(['checkout-dev', 'other', 'web']);
        expect(await search('webbob')).toEqual([]);
        expect(await search('web\nbob')).toEqual([]);
        expect(await search('e', { pool: 'none' })).toEqual([]);
        const paged = await allPages(index, { limit: 1, q: 'E' });
        expect(paged).toEqual([['checkout-dev'], ['other'], ['web']]);
      }),
    );

    it(
      'lists environments expired at an instant, earliest first',
      test(async ({ index }) => {
        const at = (iso: string) => new Date(iso);
        await index.upsert(environment('late', { expiresAt: at('2030-01-03T00:00:00Z') }));
        await index.upsert(environment('early', { expiresAt: at('2030-01-01T00:00:00Z') }));
        await index.upsert(environment('same-b', { expiresAt: at('2030-01-02T00:00:00Z') }));
        await index.upsert(environment('same-a', { expiresAt: at('2030-01-02T00:00:00Z') }));
        await index.upsert(environment('never'));
        expect(await index.expiredAt(at('2029-12-31T23:59:59Z'))).toEqual([]);
        expect(names(await index.expiredAt(at('2030-01-02T00:00:00Z')))).toEqual([
          'early',
          'same-a',
          'same-b',
        ]);
        await index.upsert(environment('early', { expiresAt: null }));
        await index.remove('same-a');
        const expired = await index.expiredAt(at('2031-01-01T00:00:00Z'));
        expect(names(expired)).toEqual(['same-b', 'late']);
        expect(expired[0]?.expiresAt).toEqual(at('2030-01-02T00:00:00Z'));
      }),
    );

    it(
      'keeps rejected entries per bucket and key',
      test(async ({ index }) => {
        const entry = (bucket: 'environments' | 'static-environments', key: string) => ({
          bucket,
          key,
          reasons: [{ path: 'environment_name', message: 'is required' }],
          observedAt: '2024-01-15T10:30:00.000Z',
        });
        await index.setRejected('environments', 'b.json', entry('environments', 'b.json'));
        await index.setRejected('environments', 'a.json', entry('environments', 'a.json'));
        await index.setRejected('environments', 'Z.json', entry('environments', 'Z.json'));
        await index.setRejected(
          'static-environments',
          'a.json',
          entry('static-environments', 'a.json'),
        );
        expect(await index.getRejected('environments', 'a.json')).toEqual(
          entry('environments', 'a.json'),
        );
        expect(await index.getRejected('environments', 'c.json')).toBeUndefined();
        // Code-unit order, as keysOfName and the cursor sort (not the locale's).
        expect((await index.listRejected()).map((item) => `${item.bucket}/${item.key}`)).toEqual([
          'environments/Z.json',
          'environments/a.json',
          'environments/b.json',
          'static-environments/a.json',
        ]);
        const replaced = { ...entry('environments', 'a.json'), observedAt: 'later' };
        await index.setRejected('environments', 'a.json', replaced);
        expect(await index.getRejected('environments', 'a.json')).toEqual(replaced);
        await index.setRejected('environments', 'a.json', undefined);
        expect(await index.getRejected('environments', 'a.json')).toBeUndefined();
        expect(await index.listRejected()).toHaveLength(3);
      }),
    );

    it(
      "keeps the deployer's summary across claim changes and filters by the current phase",
      test(async ({ index }) => {
        const summary = (phase: 'Rendered' | 'Failed', claimEtag: string) => ({
          phase,
          reason: phase === 'Failed' ? 'no tag matches ^9' : null,
          claimEtag,
          revision: 3,
          versions: { api: '1.2.3', 'ui-web': '2.0.0-rc.1' },
        });
        await index.upsert(environment('a'));
        await index.upsert(environment('b'));
        await index.upsert(environment('c'));
        await index.setDeployment('a', summary('Rendered', 'etag-a'));
        await index.setDeployment('b', summary('Failed', 'etag-b'));
        await index.setDeployment('gone', summary('Rendered', 'x'));
        expect(await index.get('gone')).toBeUndefined();
        expect((await index.get('a'))?.deployment).toEqual(summary('Rendered', 'etag-a'));
        expect((await index.get('c'))?.deployment).toBeUndefined();
        const phase = async (value: 'Pending' | 'Rendered' | 'Failed') =>
          names((await index.query({ limit: 10, phase: value })).items);
        expect(await phase('Rendered')).toEqual(['a']);
        expect(await phase('Failed')).toEqual(['b']);
        expect(await phase('Pending')).toEqual(['c']);

        // A new claim version keeps what is deployed, and is pending until decided.
        await index.upsert(environment('a', { etag: 'e2', pool: 'team2' }));
        expect((await index.get('a'))?.deployment).toEqual(summary('Rendered', 'etag-a'));
        expect(await phase('Rendered')).toEqual([]);
        expect(await phase('Pending')).toEqual(['a', 'c']);
        expect(
          names((await index.query({ limit: 10, phase: 'Pending', pool: 'team2' })).items),
        ).toEqual(['a']);
        await index.setDeployment('a', summary('Rendered', 'e2'));
        expect(await phase('Rendered')).toEqual(['a']);

        // Removal forgets it: a new claim of the name starts without one.
        await index.remove('b');
        await index.upsert(environment('b'));
        expect((await index.get('b'))?.deployment).toBeUndefined();
        expect(await phase('Failed')).toEqual([]);
      }),
    );

    it(
      'records key names both ways, including duplicates and moves',
      test(async ({ index }) => {
        await index.setKeyName('environments', 'x.json', 'web');
        await index.setKeyName('static-environments', 'web.json', 'web');
        await index.setKeyName('environments', 'a.json', 'web');
        expect(await index.nameOfKey('environments', 'x.json')).toBe('web');
        expect(await index.nameOfKey('static-environments', 'x.json')).toBeUndefined();
        expect(await index.keysOfName('web')).toEqual([
          { bucket: 'environments', key: 'a.json' },
          { bucket: 'environments', key: 'x.json' },
          { bucket: 'static-environments', key: 'web.json' },
        ]);
        await index.setKeyName('environments', 'x.json', 'api');
        expect(await index.keysOfName('api')).toEqual([{ bucket: 'environments', key: 'x.json' }]);
        await index.setKeyName('environments', 'a.json', undefined);
        await index.setKeyName('environments', 'a.json', undefined);
        expect(await index.nameOfKey('environments', 'a.json')).toBeUndefined();
        expect(await index.keysOfName('web')).toEqual([
          { bucket: 'static-environments', key: 'web.json' },
        ]);
        expect(await index.keysOfName('nobody')).toEqual([]);
      }),
    );
  });
}
