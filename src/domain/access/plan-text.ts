import { planCounts, type AccessPlan, type PlanAction } from './access-plan.js';

const SIGN: Record<PlanAction, string> = { add: '+', change: '~', remove: '-' };

/** A file's objects, shortened: a realm import or the IdP group list holds thousands. */
const SHOWN_OBJECTS = 6;
function objectList(objects: readonly string[]): string {
  if (objects.length <= SHOWN_OBJECTS) return objects.join(', ');
  return `${objects.slice(0, SHOWN_OBJECTS - 1).join(', ')} and ${objects.length - SHOWN_OBJECTS + 1} more`;
}

/**
 * `terraform plan`-style text: changes grouped by tool, one line per file with the objects
 * it holds, then a summary line. Hand edits and conflicts are called out, not hidden.
 */
export function formatPlan(plan: AccessPlan): string {
  const lines: string[] = [];
  let tool = '';
  for (const change of plan.changes) {
    if (change.tool !== tool) {
      tool = change.tool;
      lines.push(`${tool}:`);
    }
    const objects = change.objects.length > 0 ? ` (${objectList(change.objects)})` : '';
    const hand = change.editedByHand
      ? change.action === 'add'
        ? '  [deleted by hand; restored]'
        : '  [edited by hand; overwritten]'
      : '';
    lines.push(`  ${SIGN[change.action]} ${change.path}${objects}${hand}`);
  }
  for (const path of plan.conflicts)
    lines.push(
      `conflict: ${path} exists but was not written by the compiler; move it away to let render write it`,
    );
  const counts = planCounts(plan);
  const total = counts.add + counts.change + counts.remove;
  lines.push(
    total === 0 && plan.conflicts.length === 0
      ? `No changes. ${plan.unchanged} files up to date.`
      : `Plan: ${counts.add} to add, ${counts.change} to change, ${counts.remove} to remove; ${plan.unchanged} unchanged.`,
  );
  if (plan.unmanaged.length > 0)
    lines.push(
      `${plan.unmanaged.length} hand-made files are not the compiler's and stay as they are.`,
    );
  return `${lines.join('\n')}\n`;
}
