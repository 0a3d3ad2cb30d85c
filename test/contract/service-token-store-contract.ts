import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors.js';
import {
  newServiceTokenRecord,
  revokedRecord,
} from '../../src/domain/service-tokens/service-token-rules.js';
import {
  serviceTokenCreateSchema,
  type ServiceTokenRecord,
} from '../../src/domain/service-tokens/service-token-schema.js';
import {
  formatServiceToken,
  hashServiceToken,
  newServiceTokenParts,
} from '../../src/domain/service-tokens/token-format.js';
import type { ServiceTokenStore } from '../../src/ports/service-token-store.js';
import { withHarness } from './with-harness.js';

export interface ServiceTokenStoreHarness {
  readonly store: ServiceTokenStore;
  /** Another store on the same storage, as a second replica (or process) would open it. */
  readonly openReplica: () => Promise<ServiceTokenStore>;
  /** Everything the storage holds, as text: to show that no token is ever kept. */
  readonly rawContent: () => Promise<string>;
  close(): Promise<void>;
}

export interface ServiceTokenStoreContractOptions {
  /**
   * Whether `update` is atomic across stores on the same storage (replicas on one
   * database), not only within one store (the file store's promise).
   */
  readonly atomicAcrossReplicas: boolean;
}

const NOW = new Date('2026-01-15T10:30:00Z');

/** A fresh token and its record, as the create use case makes them. */
export function issueServiceToken(subject = 'gitlab-ci'): {
  token: string;
  record: ServiceTokenRecord;
} {
  const parts = newServiceTokenParts(randomBytes);
  const token = formatServiceToken(parts);
  const record = newServiceTokenRecord({
    request: serviceTokenCreateSchema.parse({ subject, scopes: ['environment:read'] }),
    id: parts.id,
    sha256: hashServiceToken(token),
    createdBy: 'admin@example.com',
    now: NOW,
  });
  return { token, record };
}

/** A read-modify-write that loses a count if two run on the same snapshot. */
const increment = (current: ServiceTokenRecord): ServiceTokenRecord => ({
  ...current,
  description: `count ${Number((current.description ?? 'count 0').slice(6)) + 1}`,
});

/**
 * The behaviour every `ServiceTokenStore` adapter must have (the file store and
 * PostgreSQL). Each adapter's test file calls this with a factory for a fresh, empty store.
 */
export function describeServiceTokenStoreContract(
  name: string,
  create: () => Promise<ServiceTokenStoreHarness>,
  options: ServiceTokenStoreContractOptions,
): void {
  describe(`ServiceTokenStore contract: ${name}`, () => {
    const withStore = withHarness(create);

    it(
      'starts empty',
      withStore(async ({ store }) => {
        expect(await store.list()).toEqual([]);
        expect(await store.get('0123456789abcdef')).toBeUndefined();
      }),
    );

    it(
      'gets each record by id and lists them all in creation order',
      withStore(async ({ store }) => {
        const records = ['charlie', 'alpha', 'bravo'].map((subject) => issueServiceToken(subject));
        for (const { record } of records) await store.create(record);
        expect(await store.list()).toEqual(records.map(({ record }) => record));
        for (const { record } of records) expect(await store.get(record.id)).toEqual(record);
        expect(await store.get('fedcba9876543210')).toBeUndefined();
      }),
    );

    it(
      'stores the hash, never the token or its secret',
      withStore(async ({ store, rawContent }) => {
        const { token, record } = issueServiceToken();
        await store.create(record);
        const raw = await rawContent();
        expect(raw).toContain(hashServiceToken(token));
        expect(raw).not.toContain(token);
        expect(raw).not.toContain(token.slice(21));
      }),
    );

    it(
      'refuses a second record with the same id, also from another replica',
      withStore(async ({ store, openReplica }) => {
        const { record } = issueServiceToken();
        await store.create(record);
        await expect(store.create({ ...record, subject: 'other' })).rejects.toBeInstanceOf(
          ConflictError,
        );
        const replica = await openReplica();
        await expect(replica.create({ ...record, subject: 'other' })).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(await store.list()).toEqual([record]);
      }),
    );

    it(
      'update: returns and keeps the new record; undefined for an unknown id',
      withStore(async ({ store }) => {
        const { record } = issueServiceToken();
        const other = issueServiceToken('other').record;
        await store.create(record);
        await store.create(other);
        const revoked = await store.update(record.id, (current) => revokedRecord(current, NOW));
        expect(revoked).toEqual({ ...record, revoked_at: '2026-01-15T10:30:00Z' });
        expect(await store.get(record.id)).toEqual(revoked);
        expect(await store.list()).toEqual([revoked, other]);

        let called = false;
        const missing = await store.update('fedcba9876543210', (current) => {
          called = true;
          return current;
        });
        expect(missing).toBeUndefined();
        expect(called).toBe(false);
      }),
    );

    it(
      'update: refuses an id change, and a change that throws changes nothing',
      withStore(async ({ store }) => {
        const { record } = issueServiceToken();
        await store.create(record);
        await expect(
          store.update(record.id, (current) => ({ ...current, id: 'fedcba9876543210' })),
        ).rejects.toThrow(TypeError);
        await expect(
          store.update(record.id, () => {
            throw new RangeError('decided against it');
          }),
        ).rejects.toThrow('decided against it');
        expect(await store.list()).toEqual([record]);
        // The store still works after a refused change.
        expect(await store.update(record.id, increment)).toMatchObject({ description: 'count 1' });
      }),
    );

    it(
      'returns copies: changing one changes nothing stored',
      withStore(async ({ store }) => {
        const { record } = issueServiceToken();
        await store.create(record);
        record.scopes.push('environment:delete');
        (await store.get(record.id))?.scopes.push('environment:delete');
        (await store.list())[0]?.groups.push('team1');
        const updated = await store.update(record.id, (current) => current);
        updated?.scopes.push('environment:delete');
        expect(await store.get(record.id)).toMatchObject({
          scopes: ['environment:read'],
          groups: [],
        });
      }),
    );

    it(
      'serialises concurrent updates through one store: none is lost',
      withStore(async ({ store }) => {
        const { record } = issueServiceToken();
        await store.create(record);
        await Promise.all(Array.from({ length: 30 }, () => store.update(record.id, increment)));
        expect((await store.get(record.id))?.description).toBe('count 30');
      }),
    );

    it(
      'sees a token another replica created or revoked',
      withStore(async ({ store, openReplica }) => {
        const replica = await openReplica();
        const { record } = issueServiceToken();
        expect(await store.get(record.id)).toBeUndefined();
        await replica.create(record);
        expect(await store.get(record.id)).toEqual(record);
        await replica.update(record.id, (current) => revokedRecord(current, NOW));
        expect((await store.get(record.id))?.revoked_at).toBe('2026-01-15T10:30:00Z');
      }),
    );

    // Only where it is promised: a file store's replicas may lose an update (not a skip).
    if (options.atomicAcrossReplicas)
      it(
        'concurrent updates from two replicas do not lose one another’s change',
        withStore(async ({ store, openReplica }) => {
          const replica = await openReplica();
          const { record } = issueServiceToken();
          await store.create(record);
          // Interleaved, so each replica's read-modify-write races the other's.
          await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              (i % 2 === 0 ? store : replica).update(record.id, increment),
            ),
          );
          // Different fields at once: a revocation and a group change both survive.
          await Promise.all([
            store.update(record.id, (current) => revokedRecord(current, NOW)),
            replica.update(record.id, (current) => ({ ...current, groups: ['team1'] })),
          ]);
          const [here, there] = await Promise.all([store.get(record.id), replica.get(record.id)]);
          expect(here).toEqual(there);
          expect(here).toMatchObject({
            description: 'count 40',
            revoked_at: '2026-01-15T10:30:00Z',
            groups: ['team1'],
          });
        }),
      );
  });
}
