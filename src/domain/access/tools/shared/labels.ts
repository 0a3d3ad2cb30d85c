/**
 * The label prefix of every object the platform generates for Kubernetes: one DNS
 * subdomain owned by the platform, so selectors (the tenant ClusterRoles' aggregation
 * labels) cannot collide with labels of other tools.
 */
export const LABEL_PREFIX = 'platform.example.io';

/** Labels on every generated object, so a pruning applier can find what the platform owns. */
export const MANAGED_LABELS = { 'app.kubernetes.io/managed-by': 'platformctl' } as const;

/** Labels naming a namespace's product and organization (`platform.example.io/product`). */
export const PRODUCT_LABEL = `${LABEL_PREFIX}/product`;
export const ORGANIZATION_LABEL = `${LABEL_PREFIX}/organization`;

/**
 * {@link MANAGED_LABELS} and the product's {@link PRODUCT_LABEL}, as one literal: Node 20
 * gives every object made as `{ ...MANAGED_LABELS, [key]: value }` a hidden class of its
 * own, and a render makes one per namespace.
 */
export function productLabels(product: string): Readonly<Record<string, string>> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_LABELS['app.kubernetes.io/managed-by'],
    [PRODUCT_LABEL]: product,
  };
}
