import { conventionalRoles, extraRoleGroupName, roleGroupName } from './group-names.js';
import {
  clearanceGroupId,
  extraRoleGroupId,
  idpGroupId,
  PLATFORM_ADMINS_GROUP,
  PRODUCT_MANAGERS_GROUP,
  productClearedGroupId,
  productRoleGroupId,
} from './role-groups.js';
import type { Member, Product, Tenancy } from './tenancy-schema.js';

export interface ProductClearance {
  readonly groups: readonly string[];
  readonly environmentTypes: readonly string[];
}

/** One edge of the membership graph, with the reason it exists (for `access explain`). */
export interface Grant {
  readonly group: string;
  readonly because: string;
}

/**
 * The tenancy model turned into lookups: who is in which group and why, which product owns
 * which pool. Built once per model version; requests only read it.
 */
export interface TenancyIndex {
  readonly model: Tenancy;
  /** pool → owning product. */
  readonly productOfPool: ReadonlyMap<string, string>;
  /** Grants to a user by subject, to a service account by name, and from a group (any id). */
  readonly userGrants: ReadonlyMap<string, readonly Grant[]>;
  readonly serviceGrants: ReadonlyMap<string, readonly Grant[]>;
  readonly groupGrants: ReadonlyMap<string, readonly Grant[]>;
  /** product → the clearance groups it requires and the environment types they gate. */
  readonly clearances: ReadonlyMap<string, ProductClearance>;
}

function push(map: Map<string, Grant[]>, key: string, grant: Grant): void {
  const list = map.get(key);
  if (list) {
    if (!list.some((existing) => existing.group === grant.group)) list.push(grant);
  } else map.set(key, [grant]);
}

/** The role groups a member entry grants in its product. */
export function memberRoleGroups(product: Product, member: Member): string[] {
  const groups: string[] = [];
  if (member.role) groups.push(productRoleGroupId(product.name, member.role));
  for (const extension of member.extensions)
    groups.push(productRoleGroupId(product.name, extension));
  for (const role of member.roles) groups.push(extraRoleGroupId(product.name, role));
  if (member.manager) groups.push(productRoleGroupId(product.name, 'manager'));
  if (member.admin) groups.push(productRoleGroupId(product.name, 'admin'));
  return groups;
}

export function indexTenancy(model: Tenancy): TenancyIndex {
  const userGrants = new Map<string, Grant[]>();
  const serviceGrants = new Map<string, Grant[]>();
  const groupGrants = new Map<string, Grant[]>();
  const productOfPool = new Map<string, string>();
  const clearances = new Map<string, ProductClearance>();

  for (const user of model.platformAdmins.users)
    push(userGrants, user, {
      group: PLATFORM_ADMINS_GROUP,
      because: 'listed in platformAdmins.users',
    });
  for (const group of model.platformAdmins.groups) {
    push(groupGrants, idpGroupId(group), {
      group: PLATFORM_ADMINS_GROUP,
      because: `IdP group '${group}' is listed in platformAdmins.groups`,
    });
  }

  for (const clearance of model.clearances) {
    const id = clearanceGroupId(clearance.name);
    if (clearance.group !== undefined) {
      push(groupGrants, idpGroupId(clearance.group), {
        group: id,
        because: `IdP group '${clearance.group}' carries clearance ${clearance.name}`,
      });
    }
    for (const user of clearance.users)
      push(userGrants, user, { group: id, because: `cleared directly for ${clearance.name}` });
  }

  for (const organization of model.organizations) {
    for (const declared of organization.groups) {
      const id = idpGroupId(declared.name);
      for (const user of declared.members)
        push(userGrants, user, {
          group: id,
          because: `member of IdP group '${declared.name}' (organization ${organization.name})`,
        });
    }
    for (const product of organization.products) {
      for (const pool of product.pools) productOfPool.set(pool, product.name);
      for (const role of conventionalRoles(organization, product)) {
        const name = roleGroupName(organization, product, role);
        const target = productRoleGroupId(product.name, role);
        push(groupGrants, idpGroupId(name), {
          group: target,
          because: `IdP group '${name}' is product ${product.name}'s ${role} group by the naming convention of ${organization.name}`,
        });
      }
      for (const role of product.extraRoles) {
        const name = extraRoleGroupName(organization, product, role);
        const target = extraRoleGroupId(product.name, role);
        push(groupGrants, idpGroupId(name), {
          group: target,
          because: `IdP group '${name}' is product ${product.name}'s ${role} role group`,
        });
      }
      // Developer includes collaborator rights (seed 003).
      push(groupGrants, productRoleGroupId(product.name, 'developer'), {
        group: productRoleGroupId(product.name, 'collaborator'),
        because: `developers of ${product.name} have collaborator rights too`,
      });
      push(groupGrants, productRoleGroupId(product.name, 'manager'), {
        group: PRODUCT_MANAGERS_GROUP,
        because: `managers of ${product.name} are product managers`,
      });
      if (product.clearance) {
        clearances.set(product.name, {
          groups: product.clearance.requires.map(clearanceGroupId),
          environmentTypes: product.clearance.environmentTypes,
        });
      }

      product.members.forEach((member, position) => {
        const because = `member #${position + 1} of product ${product.name}`;
        for (const group of memberRoleGroups(product, member)) {
          if (member.user !== undefined) push(userGrants, member.user, { group, because });
          if (member.serviceAccount !== undefined)
            push(serviceGrants, member.serviceAccount, { group, because });
          if (member.group !== undefined) {
            push(groupGrants, idpGroupId(member.group), {
              group,
              because: `IdP group '${member.group}' is ${because}`,
            });
          }
        }
      });
    }
  }
  return {
    model,
    productOfPool,
    userGrants,
    serviceGrants,
    groupGrants,
    clearances,
  };
}

/** A group the principal is in, and the chain of reasons from the principal to it. */
export interface Membership {
  readonly group: string;
  readonly path: readonly string[];
}

/**
 * Every group a principal is in: its IdP groups, the model's grants to it by name, and
 * everything those lead to. Breadth first, so each path is a shortest explanation.
 */
export function membershipsOf(
  index: TenancyIndex,
  principal: { subject: string; kind: 'user' | 'service'; groups: readonly string[] },
): Membership[] {
  const found = new Map<string, readonly string[]>();
  const queue: Membership[] = [];
  const reach = (group: string, path: readonly string[]): void => {
    if (found.has(group)) return;
    found.set(group, path);
    queue.push({ group, path });
  };
  const who = `${principal.kind === 'service' ? 'service account' : 'user'} ${principal.subject}`;
  for (const group of principal.groups)
    reach(idpGroupId(group), [who, `token carries IdP group '${group}'`]);
  const direct = (principal.kind === 'service' ? index.serviceGrants : index.userGrants).get(
    principal.subject,
  );
  for (const grant of direct ?? []) reach(grant.group, [who, grant.because]);
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const grant of index.groupGrants.get(next.group) ?? [])
      reach(grant.group, [...next.path, grant.because]);
  }
  // Seed 003: access needs every required clearance at once, which one group edge cannot
  // say; the principal is in the product's `cleared` group only when it holds them all.
  for (const [product, { groups: required }] of index.clearances) {
    if (required.every((group) => found.has(group)))
      found.set(productClearedGroupId(product), [
        who,
        `holds every clearance product ${product} requires (${required.join(', ')})`,
      ]);
  }
  return [...found].map(([group, path]) => ({ group, path }));
}
