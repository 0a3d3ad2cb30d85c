import type { IConfigMap } from 'kubernetes-models/v1';
import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { compareText } from '../access/serialize.js';
import { configMap, FLUX_KUSTOMIZE_API, fluxKustomization } from './flux-objects.js';
import { COMPONENT_LABEL } from './labels.js';
import { PLATFORM_COMPONENTS, type PlatformComponent, type RenderInput } from './render-input.js';

/** `environment/platform-stacks.yaml`. */
export const PLATFORM_STACKS_PATH = 'environment/platform-stacks.yaml';
/** The ConfigMap (in the environment's namespace) that says where each component runs. */
export const PLATFORM_ENDPOINTS_CONFIGMAP = 'platform-endpoints';

type Stack = PlatformComponent | 'waf';

interface StackDefinition {
  /** The Flux Kustomization's name on the environment cluster. */
  readonly name: string;
  /** Folder in the platform stacks source, after the seed's "Directory Structure". */
  readonly path: string;
  /** Stacks that must be ready first, when they are dedicated too. */
  readonly after: readonly Stack[];
}

/**
 * The dedicated stacks of staging and prod (seed: "Dedicated Environment Logging Clusters",
 * "Dedicated Monitoring Stacks", "Dedicated Kong Instances", "Dedicated OPAL/Cedar
 * Instances", "Cloudflare Integration"). Monitoring is deployed with its Elasticsearch, Kong
 * is integrated with the environment's OPAL/Cedar, and the WAF protects the dedicated Kong.
 * Listed in the order they are written.
 */
export const STACKS: Readonly<Record<Stack, StackDefinition>> = Object.freeze({
  logging: { name: 'platform-logging', path: './elasticsearch/dedicated', after: [] },
  monitoring: { name: 'platform-monitoring', path: './monitoring/dedicated', after: ['logging'] },
  authorization: { name: 'platform-authorization', path: './opal-cedar/dedicated', after: [] },
  gateway: { name: 'platform-gateway', path: './kong/dedicated', after: ['authorization'] },
  waf: { name: 'platform-waf', path: './cloudflare/waf', after: ['gateway'] },
});

const STACK_ORDER: readonly Stack[] = ['logging', 'monitoring', 'authorization', 'gateway', 'waf'];

/**
 * The dedicated stacks services wait for: they are reached through Kong and ask Cedar, so
 * they start after the environment's own gateway and authorization. Logging and monitoring
 * are left out on purpose: a slow Elasticsearch must not hold back the applications.
 */
const SERVICE_PREREQUISITES: readonly PlatformComponent[] = ['authorization', 'gateway'];

function deployed(input: RenderInput, stack: Stack): boolean {
  return stack === 'waf' ? input.environmentType.waf : input.environmentType[stack] === 'dedicated';
}

/** Names of the Flux Kustomizations the renderer owns; services may not use them. */
export const RESERVED_FLUX_NAMES: ReadonlySet<string> = new Set(
  STACK_ORDER.map((stack) => STACKS[stack].name),
);

/** The dedicated stacks (by Kustomization name) every service of this render depends on. */
export function servicePrerequisites(input: RenderInput): string[] {
  return SERVICE_PREREQUISITES.filter((stack) => deployed(input, stack)).map(
    (stack) => STACKS[stack].name,
  );
}

function stackKustomization(
  input: RenderInput,
  stack: Stack,
  labels: Readonly<Record<string, string>>,
): IKustomization {
  const { environment, settings } = input;
  const definition = STACKS[stack];
  const dependsOn = definition.after
    .filter((before) => deployed(input, before))
    .map((before) => ({ name: STACKS[before].name }));
  return fluxKustomization({
    apiVersion: FLUX_KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata: {
      name: definition.name,
      namespace: settings.fluxNamespace,
      labels: { ...labels, [COMPONENT_LABEL]: stack },
    },
    spec: {
      interval: settings.interval,
      sourceRef: {
        kind: settings.platformStacks.sourceKind,
        name: settings.platformStacks.sourceName,
      },
      path: definition.path,
      prune: true,
      wait: true,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      // The stacks keep their own namespaces; they read the environment to name their
      // indices, dashboards, DNS records and policies.
      postBuild: {
        substitute: {
          ENVIRONMENT_NAME: environment.name,
          ENVIRONMENT_POOL: environment.pool,
          ENVIRONMENT_TYPE: environment.type,
        },
      },
    },
  });
}

/**
 * `platform-endpoints` in the environment's namespace, for services to read with `envFrom`:
 * per component its placement (`LOGGING_PLACEMENT: shared`) and, when shared and the
 * platform's endpoint is configured, the shared instance's endpoint (`LOGGING_ENDPOINT`);
 * `WAF: cloudflare` or `none`. Written for every type, so services read it the same way.
 */
function endpointsConfigMap(
  input: RenderInput,
  labels: Readonly<Record<string, string>>,
): IConfigMap {
  const data: Record<string, string> = {};
  for (const component of PLATFORM_COMPONENTS) {
    const key = component.toUpperCase();
    const placement = input.environmentType[component];
    data[`${key}_PLACEMENT`] = placement;
    const endpoint = input.settings.sharedEndpoints?.[component];
    if (placement === 'shared' && endpoint !== undefined) data[`${key}_ENDPOINT`] = endpoint;
  }
  data['WAF'] = input.environmentType.waf ? 'cloudflare' : 'none';
  return configMap({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: PLATFORM_ENDPOINTS_CONFIGMAP,
      namespace: input.environment.name,
      labels: { ...labels },
    },
    data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => compareText(a, b))),
  });
}

/**
 * The objects of `environment/platform-stacks.yaml`: the `platform-endpoints` ConfigMap,
 * then a Flux Kustomization per dedicated component (from `settings.platformStacks`) and the
 * Cloudflare WAF when the type asks for it. Shared components get no objects here: the
 * platform cluster runs them for every dev and sue environment.
 */
export function platformStackObjects(
  input: RenderInput,
  labels: Readonly<Record<string, string>>,
): (IConfigMap | IKustomization)[] {
  return [
    endpointsConfigMap(input, labels),
    ...STACK_ORDER.filter((stack) => deployed(input, stack)).map((stack) =>
      stackKustomization(input, stack, labels),
    ),
  ];
}
