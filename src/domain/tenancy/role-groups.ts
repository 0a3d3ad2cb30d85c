/**
 * Identifiers of the groups the authorizer reasons about (Cedar `Platform::Group` ids).
 * IdP groups keep their own name behind `idp:`; roles and clearances are named by the model.
 */
export const PLATFORM_ADMINS_GROUP = 'platform-admins';

export const idpGroupId = (name: string): string => `idp:${name}`;
export const clearanceGroupId = (clearance: string): string => `clearance:${clearance}`;
export const productRoleGroupId = (product: string, role: string): string =>
  `product:${product}:${role}`;
export const extraRoleGroupId = (product: string, role: string): string =>
  `product:${product}:role:${role}`;

/** Every product's managers are in this group too (they read the tenancy status). */
export const PRODUCT_MANAGERS_GROUP = 'product-managers';

/** Holds every clearance a product requires; computed per principal, never declared. */
export const productClearedGroupId = (product: string): string => `product:${product}:cleared`;
