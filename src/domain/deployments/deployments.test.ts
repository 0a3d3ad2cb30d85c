import { describe, expect, it } from 'vitest';
import { deploymentRecordSchema, MAX_HISTORY, type ResolvedService } from './deployment-record.js';
import { planFileSync, sha256Hex } from './file-sync.js';
import { recordFailed, recordRendered, type ClaimSeen } from './next-record.js';
import { resolvedChanges } from './resolved-changes.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function service(tag: string, n: number, constraint = '*'): ResolvedService {
  return {
    constraint,
    source: 'claim',
    stream: 'release',
    image: { repository: 'docker-releases/user-service', tag, digest: digest(n) },
    deployment: { repository: 'oci-releases/user-service-ansible', tag, digest: digest(n + 1000) },
  };
}

const seen: ClaimSeen = { environment: 'dev-a', claimEtag: 'e1', requestHash: 'h1' };
const NOW = '2026-01-15T10:30:00.000Z';

/** `recordRendered` for a first render of nothing at NOW, with `fields` changed. */
const rendered = (fields: Partial<Parameters<typeof recordRendered>[0]>) =>
  recordRendered({
    previous: undefined,
    seen,
    resolved: {},
    contentDigest: 'sha256:one',
    now: NOW,
    pinnedRevision: null,
    ...fields,
  });

describe('planFileSync', () => {
  it('writes only new or changed files and removes stale ones', () => {
    const current = new Map([
      ['a.yaml', sha256Hex('same')],
      ['b.yaml', sha256Hex('old')],
      ['stale.yaml', sha256Hex('x')],
    ]);
    const plan = planFileSync(current, [
      { path: 'b.yaml', content: 'new' },
      { path: 'a.yaml', content: 'same' },
      { path: 'c.yaml', content: 'added' },
    ]);
    expect(plan.writes.map((file) => file.path)).toEqual(['b.yaml', 'c.yaml']);
    expect(plan.removals).toEqual(['stale.yaml']);
    expect(plan.unchanged).toBe(1);
  });

  it('gives equal digests for equal sets whatever the order, and different ones otherwise', () => {
    const one = planFileSync(new Map(), [
      { path: 'a', content: '1' },
      { path: 'b', content: '2' },
    ]);
    const two = planFileSync(new Map(), [
      { path: 'b', content: '2' },
      { path: 'a', content: '1' },
    ]);
    const three = planFileSync(new Map(), [
      { path: 'a', content: '1' },
      { path: 'b', content: '3' },
    ]);
    expect(one.digest).toBe(two.digest);
    expect(one.digest).not.toBe(three.digest);
  });

  it('refuses a path rendered twice', () => {
    expect(() =>
      planFileSync(new Map(), [
        { path: 'a', content: '1' },
        { path: 'a', content: '2' },
      ]),
    ).toThrow(/rendered twice: a/);
  });
});

describe('resolvedChanges', () => {
  it('reports added, removed, retagged and re-pushed services, by name', () => {
    const changes = resolvedChanges(
      { a: service('v1.0.0', 1), b: service('v1.0.0', 2), c: service('v1.0.0', 3) },
      {
        a: service('v1.0.0', 1),
        b: service('v1.1.0', 4),
        c: service('v1.0.0', 5),
        d: service('v2.0.0', 6),
      },
    );
    expect(changes).toEqual([
      {
        service: 'b',
        from: { tag: 'v1.0.0', digest: digest(2) },
        to: { tag: 'v1.1.0', digest: digest(4) },
      },
      // Same tag, new digest: what would run differs.
      {
        service: 'c',
        from: { tag: 'v1.0.0', digest: digest(3) },
        to: { tag: 'v1.0.0', digest: digest(5) },
      },
      { service: 'd', from: null, to: { tag: 'v2.0.0', digest: digest(6) } },
    ]);
    expect(resolvedChanges({ a: service('v1.0.0', 1) }, {})).toEqual([
      { service: 'a', from: { tag: 'v1.0.0', digest: digest(1) }, to: null },
    ]);
  });
});

describe('recordRendered', () => {
  it('starts at revision 1 with a created entry, and keeps the revision when nothing changed', () => {
    const first = rendered({ resolved: { a: service('v1.0.0', 1) } });
    expect(deploymentRecordSchema.parse(first)).toEqual(first);
    expect(first).toMatchObject({ phase: 'Rendered', revision: 1, reason: null, rendered_at: NOW });
    expect(first.history).toHaveLength(1);
    expect(first.history[0]).toMatchObject({ revision: 1, reason: 'created' });

    const again = rendered({
      previous: first,
      seen: { ...seen, claimEtag: 'e2' },
      resolved: { a: service('v1.0.0', 1) },
      now: '2026-01-15T11:00:00.000Z',
    });
    expect(again.revision).toBe(1);
    expect(again.history).toHaveLength(1);
    expect(again.rendered_at).toBe(NOW);
    expect(again.resolved_at).toBe('2026-01-15T11:00:00.000Z');
    expect(again.claim_etag).toBe('e2');
  });

  it('names the reason: newer-version, claim-changed, rollback', () => {
    const first = rendered({ resolved: { a: service('v1.0.0', 1) } });
    const newer = rendered({
      previous: first,
      resolved: { a: service('v1.1.0', 2) },
      contentDigest: 'sha256:two',
    });
    expect(newer.history.at(-1)).toMatchObject({
      revision: 2,
      reason: 'newer-version',
      changes: [{ service: 'a', from: { tag: 'v1.0.0' }, to: { tag: 'v1.1.0' } }],
    });
    const asked = rendered({
      previous: newer,
      seen: { ...seen, requestHash: 'h2' },
      resolved: { a: service('v2.0.0', 3) },
      contentDigest: 'sha256:three',
    });
    expect(asked.history.at(-1)?.reason).toBe('claim-changed');
    const back = rendered({
      previous: asked,
      seen: { ...seen, requestHash: 'h2' },
      resolved: { a: service('v1.0.0', 1) },
      pinnedRevision: 1,
      rolledBackTo: 1,
    });
    expect(back).toMatchObject({ revision: 4, pinned_revision: 1 });
    expect(back.history.at(-1)).toMatchObject({ reason: 'rollback', rolled_back_to: 1 });
  });

  it(`keeps at most ${MAX_HISTORY} history entries`, () => {
    let record = rendered({ contentDigest: 'sha256:0' });
    for (let i = 1; i <= MAX_HISTORY + 5; i++) {
      record = rendered({ previous: record, seen, contentDigest: `sha256:${i}` });
    }
    expect(record.history).toHaveLength(MAX_HISTORY);
    expect(record.history[0]?.revision).toBe(7);
    expect(record.history.at(-1)?.revision).toBe(MAX_HISTORY + 6);
  });
});

describe('recordFailed', () => {
  it('keeps what was rendered and says why', () => {
    const last = rendered({ resolved: { a: service('v1.0.0', 1) } });
    const failed = recordFailed({
      previous: last,
      seen: { ...seen, claimEtag: 'e2' },
      reason: "a: no tag satisfies '^9.0.0'",
      now: NOW,
    });
    expect(failed).toMatchObject({
      phase: 'Failed',
      reason: "a: no tag satisfies '^9.0.0'",
      revision: 1,
      content_digest: 'sha256:one',
      claim_etag: 'e2',
    });
    expect(failed.resolved).toEqual(last.resolved);
    const fresh = recordFailed({ previous: undefined, seen, reason: 'x', now: NOW });
    expect(deploymentRecordSchema.parse(fresh)).toMatchObject({ phase: 'Failed', revision: 0 });
  });
});
