import type { GroupRole, Member, Product } from '../tenancy/tenancy-schema.js';
import { entriesByKey } from './serialize.js';

/**
 * Who holds something: IdP groups, listed users and service accounts, and the people the
 * model can name (listed users plus the declared members of those groups), each with the
 * reason, for `access explain`. Lists are sorted so generated files are stable.
 */
export interface Holders {
  readonly groups: readonly string[];
  readonly users: readonly string[];
  readonly serviceAccounts: readonly string[];
  /** person → why they hold it. */
  readonly people: ReadonlyMap<string, string>;
}

export const NO_HOLDERS: Holders = {
  groups: [],
  users: [],
  serviceAccounts: [],
  people: new Map(),
};

/** Collects holders; `build` sorts and freezes them. */
export class HoldersBuilder {
  private readonly groups = new Set<string>();
  private readonly users = new Set<string>();
  private readonly serviceAccounts = new Set<string>();
  private readonly people = new Map<string, string>();

  addGroup(name: string, declaredMembers: readonly string[], why: string): this {
    this.groups.add(name);
    // One reason for all of the group's members: the graph keeps it for each of them.
    const reason = `member of IdP group '${name}', which ${why}`;
    for (const person of declaredMembers)
      if (!this.people.has(person)) this.people.set(person, reason);
    return this;
  }

  addUser(name: string, why: string): this {
    this.users.add(name);
    if (!this.people.has(name)) this.people.set(name, why);
    return this;
  }

  addServiceAccount(name: string): this {
    this.serviceAccounts.add(name);
    return this;
  }

  addAll(holders: Holders): this {
    for (const group of holders.groups) this.groups.add(group);
    for (const user of holders.users) this.users.add(user);
    for (const account of holders.serviceAccounts) this.serviceAccounts.add(account);
    for (const [person, why] of holders.people)
      if (!this.people.has(person)) this.people.set(person, why);
    return this;
  }

  build(): Holders {
    const sorted = (set: Set<string>): string[] => [...set].sort();
    return {
      groups: sorted(this.groups),
      users: sorted(this.users),
      serviceAccounts: sorted(this.serviceAccounts),
      people: new Map(entriesByKey(this.people)),
    };
  }
}

export function unionHolders(...all: readonly Holders[]): Holders {
  const builder = new HoldersBuilder();
  for (const holders of all) builder.addAll(holders);
  return builder.build();
}

/** Whether a member entry grants a role of the product. */
export function memberHolds(member: Member, role: GroupRole): boolean {
  switch (role) {
    case 'collaborator':
    case 'developer':
      return member.role === role;
    case 'builder':
    case 'deployer':
      return member.extensions.includes(role);
    case 'manager':
      return member.manager;
    case 'admin':
      return member.admin;
  }
}

/** Human text for a member entry, e.g. `listed as developer of koa (member #1)`. */
export function memberReason(product: Product, position: number, role: string): string {
  return `listed as ${role} of ${product.name} (member #${position + 1})`;
}
