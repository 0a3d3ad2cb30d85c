import { z } from 'zod';
import { toYaml } from '../access/serialize.js';
import {
  CLAIM_GROUP,
  CLAIM_KIND,
  CLAIM_PLURAL,
  CLAIM_VERSION,
  COMPOSITE_KIND,
  COMPOSITE_PLURAL,
  clusterClaimSpecSchema,
  clusterClaimStatusSchema,
} from './cluster-claim-schema.js';

/** Where the generated XRD is shipped, relative to the repository root. */
export const XRD_PATH = 'deploy/crossplane/xrd.yaml';
/** The Vultr composition's name; the XRD's default. */
export const VULTR_COMPOSITION_NAME = `${COMPOSITE_PLURAL}-vultr.${CLAIM_GROUP}`;

type Schema = Record<string, unknown>;

// Keywords a CRD's openAPIV3Schema accepts (Kubernetes JSONSchemaProps) and this generator
// passes through. `uniqueItems: true` is forbidden there, `$ref` and `anyOf` would need
// care the claim schema does not need: anything not listed fails the generation loudly.
const KEPT = new Set([
  'type',
  'description',
  'title',
  'properties',
  'required',
  'items',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'default',
  'nullable',
  'additionalProperties',
]);

/**
 * Turns zod's OpenAPI 3.0 JSON Schema into a Kubernetes structural schema: drops what CRDs
 * refuse or ignore (`$schema`, `additionalProperties: false` — unknown fields are pruned
 * instead — and `examples`, keeping the first as `example`), keeps `x-kubernetes-*`
 * extensions, and throws on anything else so a new zod feature cannot slip into the XRD
 * unchecked.
 *
 * @throws TypeError on a keyword Kubernetes does not accept in a structural schema.
 */
export function toStructuralSchema(schema: Schema, at = '(root)'): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === 'examples') {
      if (Array.isArray(value) && value.length > 0) out['example'] = value[0];
      continue;
    }
    if (key === 'additionalProperties') {
      if (value === false) continue;
      if (value === true || typeof value !== 'object' || value === null)
        throw new TypeError(`${at}: additionalProperties must be a schema`);
      out[key] = toStructuralSchema(value as Schema, `${at}.*`);
      continue;
    }
    if (key.startsWith('x-kubernetes-')) {
      out[key] = value;
      continue;
    }
    if (!KEPT.has(key)) throw new TypeError(`${at}: '${key}' is not supported in a CRD schema`);
    if (key === 'properties') {
      const properties: Schema = {};
      for (const [name, property] of Object.entries(value as Record<string, Schema>))
        properties[name] = toStructuralSchema(property, `${at}.${name}`);
      out[key] = properties;
    } else if (key === 'items') {
      out[key] = toStructuralSchema(value as Schema, `${at}[]`);
    } else out[key] = value;
  }
  if (typeof out['type'] !== 'string' && out['x-kubernetes-preserve-unknown-fields'] !== true)
    throw new TypeError(`${at}: a structural schema needs a type`);
  return out;
}

function structural(schema: z.ZodType, description: string): Schema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0' }) as Schema;
  return toStructuralSchema({ ...json, description });
}

/**
 * The `CompositeResourceDefinition` of `EnvironmentCluster` claims, its `spec` and `status`
 * generated from the zod schemas the renderer validates with. Deterministic.
 */
export function clusterXrd(): Schema {
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'CompositeResourceDefinition',
    metadata: { name: `${COMPOSITE_PLURAL}.${CLAIM_GROUP}` },
    spec: {
      group: CLAIM_GROUP,
      names: { kind: COMPOSITE_KIND, plural: COMPOSITE_PLURAL },
      claimNames: { kind: CLAIM_KIND, plural: CLAIM_PLURAL },
      connectionSecretKeys: ['kubeconfig'],
      defaultCompositionRef: { name: VULTR_COMPOSITION_NAME },
      versions: [
        {
          name: CLAIM_VERSION,
          served: true,
          referenceable: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: structural(
                  clusterClaimSpecSchema,
                  "An environment's Kubernetes cluster: VPC, control plane and node pools (part 1 of the two-part environment claims).",
                ),
                status: structural(
                  clusterClaimStatusSchema,
                  'What the composition observed, once known (the VPC, the cluster and its API endpoint).',
                ),
              },
              required: ['spec'],
            },
          },
          additionalPrinterColumns: [
            { name: 'TYPE', type: 'string', jsonPath: '.spec.environmentType' },
            { name: 'REGION', type: 'string', jsonPath: '.spec.region' },
            { name: 'ENDPOINT', type: 'string', jsonPath: '.status.endpoint' },
          ],
        },
      ],
    },
  };
}

/** `deploy/crossplane/xrd.yaml` as the generator writes it. */
export function clusterXrdYaml(): string {
  return (
    '# Generated by `node scripts/generate-xrd.js` from src/domain/render/cluster-claim-schema.ts.\n' +
    '# Do not edit: change the schema and regenerate.\n' +
    toYaml(clusterXrd())
  );
}
