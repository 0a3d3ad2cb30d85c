import { ACTION_RESOURCE_KIND, ACTIONS } from './actions.js';
import { cedarString } from './cedar-names.js';

const RESOURCE_TYPES = {
  environment: '[Environment]',
  platform: '[System]',
  principal: '[User, ServiceAccount]',
} as const;

const actionsOn = (kind: keyof typeof RESOURCE_TYPES): string =>
  ACTIONS.filter((action) => ACTION_RESOURCE_KIND[action] === kind)
    .map(cedarString)
    .join(', ');

/**
 * The Cedar schema every policy is validated against, generated policies and the
 * operator's `.cedar` files alike. Environments sit in their pool and their pool's product,
 * so `resource in Platform::Product::"koa"` means "an environment of koa"; an environment
 * whose pool a product owns also has that product as its `product` attribute.
 */
export const CEDAR_SCHEMA = `namespace Platform {
  entity Group in [Group];
  entity User in [Group] { subject: String };
  entity ServiceAccount in [Group] { subject: String, scopes?: Set<String> };
  // A product names its role groups, so one policy per rule serves every product.
  entity Product {
    developers: Group,
    collaborators: Group,
    deployers: Group,
    gatedTypes: Set<String>,
    cleared: Group,
  };
  entity Pool in [Product];
  entity Namespace in [Product];
  entity Environment in [Pool, Product] {
    name: String,
    type: String,
    pool: String,
    owner: String,
    static: Bool,
    product?: Product,
  };
  entity System;

  action ${actionsOn('environment')}
    appliesTo { principal: [User, ServiceAccount], resource: ${RESOURCE_TYPES.environment} };
  action ${actionsOn('platform')}
    appliesTo { principal: [User, ServiceAccount], resource: ${RESOURCE_TYPES.platform} };
  action ${actionsOn('principal')}
    appliesTo { principal: [User, ServiceAccount], resource: ${RESOURCE_TYPES.principal} };
}
`;
