import { describe, expect, it } from 'vitest';
import type { AccessFile } from './access-output.js';
import { planAccess, planCounts } from './access-plan.js';
import { buildManifest, sha256 } from './manifest.js';
import { formatPlan } from './plan-text.js';

const file = (path: string, content: string, objects: string[] = []): AccessFile => ({
  path,
  content,
  objects,
});
const disk = (files: readonly AccessFile[]) =>
  new Map(files.map((each) => [each.path, sha256(each.content)]));

const LAST = [
  file('kubernetes/namespaces/koa-dev.yaml', 'a\n', ['Namespace koa-dev']),
  file('kubernetes/namespaces/koa-old.yaml', 'b\n', ['Namespace koa-old']),
  file('argocd/projects/koa.yaml', 'c\n', ['AppProject koa']),
];
const MANIFEST = buildManifest(LAST, sha256('model'));

describe('planAccess', () => {
  it('plans every file as an add into an empty directory', () => {
    const plan = planAccess(LAST, undefined, new Map());
    expect(planCounts(plan)).toEqual({ add: 3, change: 0, remove: 0 });
    expect(plan.writes).toHaveLength(3);
    expect(formatPlan(plan)).toContain('Plan: 3 to add, 0 to change, 0 to remove; 0 unchanged.');
  });

  it('reports no changes when the directory holds exactly the last render', () => {
    const plan = planAccess(LAST, MANIFEST, disk(LAST));
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged).toBe(3);
    expect(formatPlan(plan)).toBe('No changes. 3 files up to date.\n');
  });

  it('adds, changes and removes only owned files, per tool', () => {
    const next = [
      file('kubernetes/namespaces/koa-dev.yaml', 'a2\n', ['Namespace koa-dev']),
      file('argocd/projects/koa.yaml', 'c\n', ['AppProject koa']),
      file('grafana/koa.tf.json', '{}\n', ['grafana_team koa']),
    ];
    const onDisk = disk(LAST);
    onDisk.set('kubernetes/hand-made.yaml', sha256('mine'));
    const plan = planAccess(next, MANIFEST, onDisk);
    expect(plan.changes.map((change) => [change.action, change.path])).toEqual([
      ['add', 'grafana/koa.tf.json'],
      ['change', 'kubernetes/namespaces/koa-dev.yaml'],
      ['remove', 'kubernetes/namespaces/koa-old.yaml'],
    ]);
    expect(plan.removals).toEqual(['kubernetes/namespaces/koa-old.yaml']);
    expect(plan.unmanaged).toEqual(['kubernetes/hand-made.yaml']);
    const text = formatPlan(plan);
    expect(text).toContain('grafana:\n  + grafana/koa.tf.json (grafana_team koa)');
    expect(text).toContain('  - kubernetes/namespaces/koa-old.yaml (Namespace koa-old)');
    expect(text).toContain('1 hand-made files are not the compiler');
  });

  it('marks hand edits and restores hand deletions of owned files', () => {
    const onDisk = disk(LAST);
    onDisk.set('argocd/projects/koa.yaml', sha256('edited by hand'));
    onDisk.delete('kubernetes/namespaces/koa-dev.yaml');
    const plan = planAccess(LAST, MANIFEST, onDisk);
    expect(plan.changes).toEqual([
      expect.objectContaining({
        action: 'change',
        path: 'argocd/projects/koa.yaml',
        editedByHand: true,
      }),
      expect.objectContaining({
        action: 'add',
        path: 'kubernetes/namespaces/koa-dev.yaml',
        editedByHand: true,
      }),
    ]);
    expect(formatPlan(plan)).toContain('[edited by hand; overwritten]');
  });

  it('never removes a file the manifest does not list, and flags one in the way', () => {
    const onDisk = new Map([['argocd/projects/koa.yaml', sha256('hand-made project')]]);
    const plan = planAccess(LAST, undefined, onDisk);
    expect(plan.conflicts).toEqual(['argocd/projects/koa.yaml']);
    expect(plan.removals).toEqual([]);
    expect(plan.writes.map((each) => each.path)).not.toContain('argocd/projects/koa.yaml');
    expect(formatPlan(plan)).toContain('conflict: argocd/projects/koa.yaml exists');
  });

  it('does not plan to remove an owned file that is already gone', () => {
    const plan = planAccess(LAST.slice(0, 1), MANIFEST, disk(LAST.slice(0, 1)));
    expect(plan.changes).toEqual([]);
  });

  it('shortens the object list of a file with many objects', () => {
    const objects = Array.from({ length: 40 }, (_, i) => `Group g${i}`);
    const plan = planAccess([file('idp/groups.json', '{}\n', objects)], undefined, new Map());
    expect(formatPlan(plan)).toContain(
      '+ idp/groups.json (Group g0, Group g1, Group g2, Group g3, Group g4 and 35 more)',
    );
  });
});
