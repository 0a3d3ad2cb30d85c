import type { AccessGraph } from './access-graph.js';
import { levelAtLeast, type Grant, type GrantLevel } from './access-output.js';
import { compareText } from './serialize.js';

export interface WhoCanQuery {
  readonly tool: string;
  readonly level: GrantLevel;
  /** A namespace; product-wide grants of the product that owns it count too. */
  readonly namespace?: string;
}

export interface WhoCanAnswer {
  readonly query: WhoCanQuery;
  /** The product owning the namespace, when one does. */
  readonly product: string | undefined;
  readonly grants: readonly Grant[];
  /** Subjects by kind, and the people the model knows in each group. */
  readonly users: readonly string[];
  readonly groups: readonly { readonly name: string; readonly members: readonly string[] }[];
  readonly others: readonly { readonly kind: string; readonly name: string }[];
}

/**
 * Who holds at least `level` on a tool, for one namespace or everywhere: read from the
 * grants the generated files make, with each group's known members.
 */
export function whoCan(
  graph: AccessGraph,
  grants: readonly Grant[],
  query: WhoCanQuery,
): WhoCanAnswer {
  const product = query.namespace
    ? graph.products.find((access) => access.product.namespaces.includes(query.namespace ?? ''))
        ?.product.name
    : undefined;
  const matches = grants.filter(
    (grant) =>
      grant.tool === query.tool &&
      levelAtLeast(grant.level, query.level) &&
      (query.namespace === undefined ||
        grant.namespace === query.namespace ||
        (grant.namespace === undefined &&
          grant.product !== undefined &&
          grant.product === product)),
  );
  const users = new Set<string>();
  const groups = new Set<string>();
  const others = new Map<string, { kind: string; name: string }>();
  for (const { subject } of matches) {
    if (subject.kind === 'user') users.add(subject.name);
    else if (subject.kind === 'group') groups.add(subject.name);
    else others.set(`${subject.kind}:${subject.name}`, subject);
  }
  const declared = new Map<string, Set<string>>();
  const remember = (group: string, people: Iterable<string>): void => {
    const set = declared.get(group) ?? new Set<string>();
    for (const person of people) set.add(person);
    declared.set(group, set);
  };
  for (const group of graph.groups) remember(group.name, group.members.keys());
  for (const organization of graph.model.organizations)
    for (const group of organization.groups) remember(group.name, group.members);

  return {
    query,
    product,
    grants: matches,
    users: [...users].sort(),
    groups: [...groups].sort().map((name) => ({
      name,
      members: [...(declared.get(name) ?? [])].sort(),
    })),
    others: [...others.values()].sort((a, b) =>
      compareText(`${a.kind}:${a.name}`, `${b.kind}:${b.name}`),
    ),
  };
}
