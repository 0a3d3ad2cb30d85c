import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { ENTITY, SYSTEM_ID } from '../../domain/policy/cedar-names.js';
import { productClearedGroupId, productRoleGroupId } from '../../domain/tenancy/role-groups.js';
import type { Membership, TenancyIndex } from '../../domain/tenancy/tenancy-index.js';
import type { Resource } from '../../ports/authorizer.js';
import type { Principal } from '../../ports/principal.js';

/** The Cedar entity of a principal, for requests and for `resource == principal`. */
export function principalUid(principal: Pick<Principal, 'kind' | 'subject'>): TypeAndId {
  return {
    type: principal.kind === 'service' ? ENTITY.serviceAccount : ENTITY.user,
    id: principal.subject,
  };
}

/**
 * The principal with every group it is in as a direct parent. The memberships are already
 * transitively closed, so the group entities need no parents of their own.
 */
export function principalEntities(
  principal: Principal,
  memberships: readonly Membership[],
): EntityJson[] {
  const attrs: EntityJson['attrs'] = { subject: principal.subject };
  if (principal.kind === 'service' && principal.scopes) attrs.scopes = [...principal.scopes];
  return [
    {
      uid: principalUid(principal),
      attrs,
      parents: memberships.map((membership) => ({ type: ENTITY.group, id: membership.group })),
    },
    ...memberships.map((membership) => ({
      uid: { type: ENTITY.group, id: membership.group },
      attrs: {},
      parents: [],
    })),
  ];
}

export function resourceUid(resource: Resource): TypeAndId {
  switch (resource.kind) {
    case 'environment':
      return { type: ENTITY.environment, id: resource.name };
    case 'platform':
      return { type: ENTITY.system, id: SYSTEM_ID };
    case 'principal':
      return principalUid({ kind: resource.principalKind, subject: resource.subject });
  }
}

const groupRef = (id: string) => ({ __entity: { type: ENTITY.group, id } });

/** A product with the role groups its policies ask about (see `cedar-schema.ts`). */
export function productEntity(name: string, index: TenancyIndex): EntityJson {
  return {
    uid: { type: ENTITY.product, id: name },
    attrs: {
      developers: groupRef(productRoleGroupId(name, 'developer')),
      collaborators: groupRef(productRoleGroupId(name, 'collaborator')),
      deployers: groupRef(productRoleGroupId(name, 'deployer')),
      gatedTypes: [...(index.clearances.get(name)?.environmentTypes ?? [])],
      cleared: groupRef(productClearedGroupId(name)),
    },
    parents: [],
  };
}

/** The resource and its ancestors: an environment sits in its pool and the pool's product. */
export function resourceEntities(resource: Resource, index: TenancyIndex): EntityJson[] {
  const uid = resourceUid(resource);
  switch (resource.kind) {
    case 'environment': {
      const pool = { type: ENTITY.pool, id: resource.pool };
      const productName = index.productOfPool.get(resource.pool);
      const product = productName === undefined ? [] : [{ type: ENTITY.product, id: productName }];
      return [
        {
          uid,
          attrs: {
            name: resource.name,
            type: resource.type,
            pool: resource.pool,
            owner: resource.owner,
            static: resource.static,
            ...(productName === undefined
              ? {}
              : { product: { __entity: { type: ENTITY.product, id: productName } } }),
          },
          parents: [pool, ...product],
        },
        { uid: pool, attrs: {}, parents: product },
        ...(productName === undefined ? [] : [productEntity(productName, index)]),
      ];
    }
    case 'platform':
      return [{ uid, attrs: {}, parents: [] }];
    case 'principal':
      return [{ uid, attrs: { subject: resource.subject }, parents: [] }];
  }
}
