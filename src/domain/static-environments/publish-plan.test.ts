import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Claim } from '../claims/claim-schema.js';
import {
  PUBLICATION_FIELDS,
  planPublish,
  type CurrentObject,
  type DesiredClaim,
  type PublishPlan,
} from './publish-plan.js';

const claim = (name: string, fields: Partial<Claim> = {}): Claim => ({
  environment_name: name,
  environment_type: 'prod',
  environment_pool: 'eu-1',
  user: 'gitlab-ci',
  creation_date: '2026-01-01T00:00:00Z',
  deployment_method: 'git',
  git_repository: 'https://git.example.com/envs.git',
  branch: 'main',
  git_commit: '1'.repeat(40),
  services: {},
  ...fields,
});
const desired = (c: Claim): DesiredClaim => ({ key: `${c.environment_name}.json`, claim: c });
const stored = (c: unknown, key: string, etag: string): CurrentObject => ({
  key,
  etag,
  document: c,
});

/** What a bucket holds after the plan is applied with conditional writes, as the store does. */
function apply(plan: PublishPlan, current: readonly CurrentObject[]): Map<string, CurrentObject> {
  const bucket = new Map(current.map((object) => [object.key, object]));
  let version = 0;
  for (const { key, claim } of plan.create) {
    if (bucket.has(key)) throw new Error(`create of existing ${key}`);
    bucket.set(key, { key, etag: `new-${version++}`, document: claim });
  }
  for (const { key, claim, etag } of plan.update) {
    if (bucket.get(key)?.etag !== etag) throw new Error(`update of ${key} at a stale etag`);
    bucket.set(key, { key, etag: `new-${version++}`, document: claim });
  }
  for (const { key, etag } of plan.remove) {
    if (bucket.get(key)?.etag !== etag) throw new Error(`delete of ${key} at a stale etag`);
    bucket.delete(key);
  }
  return bucket;
}

const withoutPublication = (document: unknown): unknown => {
  const rest: Record<string, unknown> = { ...(document as Claim) };
  for (const field of PUBLICATION_FIELDS) delete rest[field];
  return rest;
};

describe('planPublish', () => {
  it('creates, updates, removes and leaves alone', () => {
    const plan = planPublish(
      [
        desired(claim('new')),
        desired(claim('same')),
        desired(claim('changed', { environment_pool: 'eu-2' })),
      ],
      [
        stored(claim('same', { git_commit: '0'.repeat(40), user: 'someone' }), 'same.json', 'e1'),
        stored(claim('changed', { creation_date: '2025-05-05T00:00:00Z' }), 'changed.json', 'e2'),
        stored(claim('gone'), 'gone.json', 'e3'),
        stored(undefined, 'garbage.json', 'e4'),
      ],
    );
    expect(plan.create.map(({ key }) => key)).toEqual(['new.json']);
    expect(plan.update).toEqual([
      {
        key: 'changed.json',
        etag: 'e2',
        // The environment keeps the date it was first published.
        claim: claim('changed', {
          environment_pool: 'eu-2',
          creation_date: '2025-05-05T00:00:00Z',
        }),
      },
    ]);
    expect(plan.remove).toEqual([
      { key: 'garbage.json', etag: 'e4' },
      { key: 'gone.json', etag: 'e3' },
    ]);
    expect(plan.unchanged).toEqual([{ key: 'same.json', etag: 'e1' }]);
  });

  it('does not count key order as a change', () => {
    const { environment_name, ...rest } = claim('a', { services: { x: 'v1', y: 'v2' } });
    const reordered = { ...rest, services: { y: 'v2', x: 'v1' }, environment_name };
    const plan = planPublish(
      [desired(claim('a', { services: { x: 'v1', y: 'v2' } }))],
      [stored(reordered, 'a.json', 'e')],
    );
    expect(plan.unchanged).toEqual([{ key: 'a.json', etag: 'e' }]);
  });

  const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), {
    maxLength: 7,
  });
  const variant = fc.record({
    pool: fc.constantFrom('eu-1', 'eu-2'),
    commit: fc.constantFrom('1'.repeat(40), '2'.repeat(40)),
    version: fc.constantFrom('v1', 'v2'),
  });
  const claims = names.chain((picked) =>
    fc.tuple(
      ...picked.map((name) =>
        variant.map((v) =>
          claim(name, {
            environment_pool: v.pool,
            git_commit: v.commit,
            services: { web: v.version },
          }),
        ),
      ),
    ),
  );

  it('makes the bucket hold exactly the desired definitions, touching nothing unchanged', () => {
    fc.assert(
      fc.property(
        claims,
        claims,
        fc.array(fc.constantFrom('x.json', 'junk.json'), { maxLength: 2 }),
        (want, have, junk) => {
          const current = [
            ...have.map((c, i) => stored(c, `${c.environment_name}.json`, `old-${i}`)),
            ...[...new Set(junk)].map((key) => stored(undefined, key, `junk-${key}`)),
          ];
          const plan = planPublish(want.map(desired), current);
          const after = apply(plan, current);

          // Exactly the desired keys, each with the desired definition.
          expect([...after.keys()].sort()).toEqual(
            want.map((c) => `${c.environment_name}.json`).sort(),
          );
          for (const c of want) {
            expect(withoutPublication(after.get(`${c.environment_name}.json`)?.document)).toEqual(
              withoutPublication(c),
            );
          }
          // Unchanged objects are the very objects that were there (same etag: not rewritten).
          const before = new Map(current.map((object) => [object.key, object]));
          for (const { key, etag } of plan.unchanged) {
            expect(after.get(key)).toBe(before.get(key));
            expect(etag).toBe(before.get(key)?.etag);
          }
          // Nothing is written whose definition did not change.
          for (const { key, claim: next } of plan.update) {
            expect(withoutPublication(before.get(key)?.document)).not.toEqual(
              withoutPublication(next),
            );
          }
          // Each key is in one list only.
          const listed = [...plan.create, ...plan.update, ...plan.remove, ...plan.unchanged].map(
            ({ key }) => key,
          );
          expect(new Set(listed).size).toBe(listed.length);
        },
      ),
    );
  });
});
