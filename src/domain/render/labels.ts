import { LABEL_PREFIX, MANAGED_LABELS } from '../access/tools/shared/labels.js';

export { LABEL_PREFIX, MANAGED_LABELS };

/** Labels on every rendered object, so selectors and pruning find an environment's objects. */
export const ENVIRONMENT_LABEL = `${LABEL_PREFIX}/environment`;
export const ENVIRONMENT_TYPE_LABEL = `${LABEL_PREFIX}/environment-type`;
export const ENVIRONMENT_POOL_LABEL = `${LABEL_PREFIX}/environment-pool`;
/** On a service's objects (and, through `commonMetadata`, on everything the service deploys). */
export const SERVICE_LABEL = `${LABEL_PREFIX}/service`;
/** On a dedicated stack's Flux Kustomization: `logging`, `monitoring`, `gateway`, … */
export const COMPONENT_LABEL = `${LABEL_PREFIX}/component`;
/** On node pools: the seed's pool type, for `nodeSelector`s and the taints below. */
export const NODE_POOL_LABEL = `${LABEL_PREFIX}/node-pool`;

/** Annotations: values that are not valid label values (e-mail addresses, long tags). */
export const OWNER_ANNOTATION = `${LABEL_PREFIX}/owner`;
export const VERSION_ANNOTATION = `${LABEL_PREFIX}/version`;
export const IMAGE_ANNOTATION = `${LABEL_PREFIX}/image`;
