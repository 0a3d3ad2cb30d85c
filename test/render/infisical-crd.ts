import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

interface CrdFixture {
  source: Record<string, string>;
  openAPIV3Schema: Record<string, unknown>;
}

const FIXTURE = new URL(
  '../fixtures/infisical/infisicalsecret-v1alpha1.crd-schema.json',
  import.meta.url,
);
const TOFU_FIXTURE = new URL(
  '../fixtures/infisical/terraform-v1alpha2.crd-schema.json',
  import.meta.url,
);

/**
 * The CRD's schema with `additionalProperties: false` on every object that lists its
 * properties: the API server would prune an unknown field silently, which for the renderer
 * is a field that does nothing, hence a bug.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value);
  const isOpen = copy['x-kubernetes-preserve-unknown-fields'] === true;
  if (copy['properties'] !== undefined && copy['additionalProperties'] === undefined && !isOpen)
    copy['additionalProperties'] = false;
  return copy;
}

export function infisicalCrdFixture(): CrdFixture {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as CrdFixture;
}

/** Validates an object against the operator's `InfisicalSecret` CRD; returns the problems. */
export function infisicalSecretValidator(): (object: unknown) => string[] {
  return validator(infisicalCrdFixture().openAPIV3Schema);
}

/** Validates an object against tofu-controller's `Terraform` CRD (v1alpha2). */
export function terraformObjectValidator(): (object: unknown) => string[] {
  const fixture = JSON.parse(readFileSync(TOFU_FIXTURE, 'utf8')) as CrdFixture;
  return validator(fixture.openAPIV3Schema);
}

function validator(crdSchema: Record<string, unknown>): (object: unknown) => string[] {
  const schema = closed(crdSchema) as Record<string, unknown>;
  // metadata is the API server's, not the CRD's: the CRD declares it as a bare object.
  const properties = schema['properties'] as Record<string, unknown>;
  properties['metadata'] = { type: 'object' };
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return (object) =>
    validate(object)
      ? []
      : (validate.errors ?? []).map(
          (error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
        );
}
