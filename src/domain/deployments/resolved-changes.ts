import type { ResolvedSet, ServiceChange } from './deployment-record.js';

/**
 * Every service whose tag or digest differs between two resolved sets, by name. A tag that
 * now points at another digest is a change too: the artifact running would differ.
 */
export function resolvedChanges(previous: ResolvedSet, next: ResolvedSet): ServiceChange[] {
  const names = [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort();
  const changes: ServiceChange[] = [];
  for (const service of names) {
    const before = previous[service];
    const after = next[service];
    const from = before ? { tag: before.image.tag, digest: before.image.digest } : null;
    const to = after ? { tag: after.image.tag, digest: after.image.digest } : null;
    const same =
      before !== undefined &&
      after !== undefined &&
      before.image.digest === after.image.digest &&
      before.image.tag === after.image.tag &&
      before.deployment.digest === after.deployment.digest &&
      before.deployment.tag === after.deployment.tag;
    if (!same) changes.push({ service, from, to });
  }
  return changes;
}
