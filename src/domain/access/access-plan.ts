import type { AccessFile } from './access-output.js';
import { sha256, toolOfPath, type Manifest, type ManifestEntry } from './manifest.js';
import { compareText } from './serialize.js';

export type PlanAction = 'add' | 'change' | 'remove';

export interface PlanChange {
  readonly action: PlanAction;
  readonly path: string;
  readonly tool: ManifestEntry['tool'];
  readonly objects: readonly string[];
  /** The file on disk differs from what the last render wrote: someone edited it. */
  readonly editedByHand: boolean;
}

/**
 * What a render would do to an output directory, like `terraform plan`: files to add,
 * change and remove, per tool. Only files the manifest lists are ever changed or removed;
 * `conflicts` are hand-made files at paths the compiler now wants, which render refuses
 * to overwrite; `unmanaged` are the other hand-made files, left alone.
 */
export interface AccessPlan {
  readonly changes: readonly PlanChange[];
  readonly unchanged: number;
  readonly conflicts: readonly string[];
  readonly unmanaged: readonly string[];
  /** The files to write and the paths to remove when the plan is applied. */
  readonly writes: readonly AccessFile[];
  readonly removals: readonly string[];
}

/**
 * Compares a fresh render with the directory's manifest and current contents.
 * `onDisk` maps every file in the directory (except the manifest) to its SHA-256.
 */
export function planAccess(
  rendered: readonly AccessFile[],
  manifest: Manifest | undefined,
  onDisk: ReadonlyMap<string, string>,
): AccessPlan {
  const owned = new Map((manifest?.files ?? []).map((entry) => [entry.path, entry]));
  const changes: PlanChange[] = [];
  const writes: AccessFile[] = [];
  const conflicts: string[] = [];
  let unchanged = 0;
  const wanted = new Set<string>();

  for (const file of rendered) {
    wanted.add(file.path);
    const hash = sha256(file.content);
    const current = onDisk.get(file.path);
    const entry = owned.get(file.path);
    // A literal per change, not `{ ...base, more }`: Node 20 gives each spread object a
    // hidden class of its own, and a first render plans tens of thousands of adds.
    const plan = (action: 'add' | 'change', editedByHand: boolean): void => {
      const { path, objects } = file;
      changes.push({ path, tool: toolOfPath(path), objects, action, editedByHand });
      writes.push(file);
    };
    if (!entry) {
      if (current !== undefined) conflicts.push(file.path);
      else plan('add', false);
    } else if (current === undefined) {
      // Deleted by hand since the last render: it comes back.
      plan('add', true);
    } else if (current !== hash) {
      plan('change', current !== entry.sha256);
    } else unchanged += 1;
  }

  const removals: string[] = [];
  for (const entry of owned.values()) {
    if (wanted.has(entry.path) || !onDisk.has(entry.path)) continue;
    removals.push(entry.path);
    changes.push({
      action: 'remove',
      path: entry.path,
      tool: entry.tool,
      objects: entry.objects,
      editedByHand: onDisk.get(entry.path) !== entry.sha256,
    });
  }

  const unmanaged = [...onDisk.keys()].filter((path) => !owned.has(path) && !wanted.has(path));
  return {
    changes: changes.sort((a, b) => compareText(a.path, b.path)),
    unchanged,
    conflicts: conflicts.sort(),
    unmanaged: unmanaged.sort(),
    writes,
    removals: removals.sort(),
  };
}

export function planCounts(plan: AccessPlan): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { add: 0, change: 0, remove: 0 };
  for (const change of plan.changes) counts[change.action] += 1;
  return counts;
}
