import type { Grant } from './access-output.js';
import type { UserAccessReport } from './explain-user.js';
import type { WhoCanAnswer } from './who-can.js';

function where(grant: Grant): string {
  const parts = [
    grant.namespace && `namespace ${grant.namespace}`,
    grant.cluster && `cluster ${grant.cluster}`,
    grant.realm && `realm ${grant.realm}`,
    !grant.namespace && grant.product && `product ${grant.product}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}

/** `access explain` as text: memberships, roles, then grants grouped by tool. */
export function formatUserAccess(report: UserAccessReport): string {
  const lines = [`${report.user}`];
  if (!report.known) lines.push('  not named anywhere in the model: no access');
  if (report.platformAdmin) lines.push(`  platform admin: ${report.platformAdmin}`);
  if (report.roles.length > 0) lines.push('roles:');
  for (const role of report.roles) lines.push(`  ${role.product} ${role.role}  <- ${role.because}`);
  if (report.groups.length > 0) lines.push('groups:');
  for (const group of report.groups) lines.push(`  ${group.group}  <- ${group.because}`);
  let tool = '';
  for (const grant of report.grants) {
    if (grant.tool !== tool) {
      tool = grant.tool;
      lines.push(`${tool}:`);
    }
    lines.push(`  ${grant.level.padEnd(5)} ${grant.permission}${where(grant)}  <- ${grant.via}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `access who-can` as text: users, groups with their known members, other subjects. */
export function formatWhoCan(answer: WhoCanAnswer): string {
  const { tool, level, namespace } = answer.query;
  const lines = [
    `${level} or more on ${tool}${namespace ? ` in namespace ${namespace}` : ''}${answer.product ? ` (product ${answer.product})` : ''}:`,
  ];
  if (answer.grants.length === 0) lines.push('  nobody');
  for (const user of answer.users) lines.push(`  user ${user}`);
  for (const group of answer.groups)
    lines.push(
      `  group ${group.name}${group.members.length > 0 ? ` (${group.members.join(', ')})` : ''}`,
    );
  for (const other of answer.others) lines.push(`  ${other.kind} ${other.name}`);
  lines.push('grants:');
  for (const grant of answer.grants)
    lines.push(
      `  ${grant.subject.kind} ${grant.subject.name}: ${grant.level} ${grant.permission}${where(grant)} (${grant.file})`,
    );
  return `${lines.join('\n')}\n`;
}
