import { renderGroupName } from '../tenancy/group-names.js';
import type { Organization, Product, Tenancy } from '../tenancy/tenancy-schema.js';
import type { Holders } from './role-holders.js';

/**
 * The group the compiler creates for the members of `group` who hold every clearance in
 * `requires`, by the organization's `groupNaming.cleared` template (default
 * `{group}+{clearances}`: `Platform-One/Products/Valkyrie/developer+il2`; clearances sorted,
 * joined by `+`; `{org}` is the organization's group name segment). `/` stays a path
 * separator, so the group sits next to `group` in Keycloak's tree.
 */
export function clearedGroupName(
  organization: Organization,
  group: string,
  requires: readonly string[],
): string {
  return renderGroupName(organization.groupNaming.cleared, {
    org: organization.groupName ?? organization.name,
    group,
    clearances: [...new Set(requires)].sort().join('+'),
  });
}

/**
 * What a product's clearance lets its tools bind (seed 003: "IL2 Authorized and
 * P1/Product/Unicorn/developer would both be required"): people and service accounts that
 * hold every required clearance, and, instead of each group, its cleared intersection group.
 */
export interface ClearanceGate {
  /** The required clearances, sorted. */
  readonly requires: readonly string[];
  /** Listed in every required clearance's `users`, or a declared member of its group. */
  person(name: string): boolean;
  /** Listed in every required clearance's `users`: a service account joins no IdP group. */
  serviceAccount(name: string): boolean;
  /** The intersection group bound instead of `group`. */
  groupName(group: string): string;
}

/** The model's clearances, resolved once: who is cleared for each, by name or declared group. */
export class ClearanceIndex {
  /** clearance → users listed; clearance → listed users and declared members of its group. */
  private readonly listed = new Map<string, ReadonlySet<string>>();
  private readonly people = new Map<string, ReadonlySet<string>>();

  constructor(model: Tenancy, declared: ReadonlyMap<string, readonly string[]>) {
    for (const clearance of model.clearances) {
      const members = clearance.group === undefined ? [] : (declared.get(clearance.group) ?? []);
      this.listed.set(clearance.name, new Set(clearance.users));
      this.people.set(clearance.name, new Set([...clearance.users, ...members]));
    }
  }

  /** The gate of a product with `clearance`; undefined for an ungated product. */
  gate(organization: Organization, product: Product): ClearanceGate | undefined {
    if (product.clearance === undefined) return undefined;
    const requires = [...new Set(product.clearance.requires)].sort();
    // An unknown clearance (the model checks reject it) clears nobody.
    const all = (index: ReadonlyMap<string, ReadonlySet<string>>) => (name: string) =>
      requires.every((clearance) => index.get(clearance)?.has(name) === true);
    const names = new Map<string, string>();
    return {
      requires,
      person: all(this.people),
      serviceAccount: all(this.listed),
      groupName: (group) => {
        let name = names.get(group);
        if (name === undefined) {
          name = clearedGroupName(organization, group, requires);
          names.set(group, name);
        }
        return name;
      },
    };
  }
}

/** `cleared for il2 and il4`. */
export function clearedFor(gate: ClearanceGate): string {
  return `cleared for ${gate.requires.join(' and ')}`;
}

/**
 * The holders a gated product's tools bind: cleared users, service accounts and people, and
 * each group's intersection group in place of the group.
 */
export function gateHolders(holders: Holders, gate: ClearanceGate): Holders {
  const cleared = clearedFor(gate);
  return {
    groups: [...new Set(holders.groups.map((group) => gate.groupName(group)))].sort(),
    users: holders.users.filter((user) => gate.person(user)),
    serviceAccounts: holders.serviceAccounts.filter((account) => gate.serviceAccount(account)),
    people: new Map(
      [...holders.people]
        .filter(([person]) => gate.person(person))
        .map(([person, why]) => [person, `${why}; ${cleared}`]),
    ),
  };
}
