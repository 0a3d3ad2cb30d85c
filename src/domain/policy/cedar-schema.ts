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
 * so `resource in Platform::Product::"koa"` means "an environment of koa".
 */
export const CEDAR_SCHEMA = `namespace Platform {
  entity Group in [Group];
  entity User in [Group] { subject: String };
  entity ServiceAccount in [Group] { subject: String, scopes?: Set<String> };
  entity Product;
  entity Pool in [Product];
  entity Namespace in [Product];
  entity Environment in [Pool, Product] {
    name: String,
    type: String,
    pool: String,
    owner: String,
    static: Bool,
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
