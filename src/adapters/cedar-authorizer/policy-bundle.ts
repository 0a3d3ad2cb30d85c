import './wasm-inlining-workaround.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { InputError, type FieldError } from '../../domain/errors.js';
import { CEDAR_SCHEMA } from '../../domain/policy/cedar-schema.js';
import { generatePolicies, type PolicyTexts } from '../../domain/policy/generate-policies.js';
import type { TenancyIndex } from '../../domain/tenancy/tenancy-index.js';

/** An operator's policy, read from a `.cedar` file. */
export interface OperatorPolicy {
  readonly id: string;
  readonly source: string;
  readonly text: string;
}

/** One consistent version of everything the authorizer decides with. */
export interface PolicyBundle {
  readonly index: TenancyIndex;
  readonly policies: PolicyTexts;
  /** Which policies came from the model and which from the operator's directory. */
  readonly operatorPolicyIds: readonly string[];
  /** The cedar-wasm handle of the preparsed policy set. */
  readonly policySetId: string;
}

let instances = 0;

/**
 * Validates the generated and operator policies together against the schema, in strict
 * mode, then preparses them under `policySetId` (one id per authorizer, so a reload
 * replaces the set in place). Throws `InputError` listing every problem; on error the
 * previously preparsed set is untouched (cedar-wasm's preparse is side-effect free on error).
 */
export function buildPolicyBundle(input: {
  index: TenancyIndex;
  operatorPolicies: readonly OperatorPolicy[];
  policySetId: string;
}): PolicyBundle {
  const policies = generatePolicies();
  const problems: FieldError[] = [];
  for (const policy of input.operatorPolicies) {
    if (policy.id in policies)
      problems.push({ path: policy.source, message: `policy id '${policy.id}' is already taken` });
    else policies[policy.id] = policy.text;
  }
  if (problems.length > 0)
    throw new InputError('Operator policies clash with generated ones', problems);
  // The generated policies alone are fixed by this code and validated by its tests (see
  // policy-bundle.test.ts); validating them again costs 130–200 ms of every start, most of
  // it the first call into the validator. Operator policies are validated with them.
  if (input.operatorPolicies.length > 0) validate(policies, input.operatorPolicies);
  const preparsed = cedar.preparsePolicySet(input.policySetId, { staticPolicies: policies });
  if (preparsed.type === 'failure')
    throw new InputError(
      'Policies could not be prepared',
      preparsed.errors.map((error) => ({ path: '(policies)', message: error.message })),
    );
  return {
    index: input.index,
    policies,
    operatorPolicyIds: input.operatorPolicies.map((policy) => policy.id),
    policySetId: input.policySetId,
  };
}

/** Validates the whole set against the schema in strict mode; `InputError` lists each problem. */
function validate(policies: PolicyTexts, operatorPolicies: readonly OperatorPolicy[]): void {
  const answer = cedar.validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: policies } });
  if (answer.type === 'failure')
    throw new InputError(
      'Policies could not be parsed',
      answer.errors.map((error) => ({ path: '(policies)', message: error.message })),
    );
  if (answer.validationErrors.length > 0) {
    const sourceOf = new Map(operatorPolicies.map((policy) => [policy.id, policy.source]));
    throw new InputError(
      'Policies do not validate against the Cedar schema',
      answer.validationErrors.map((error) => ({
        path: sourceOf.get(error.policyId) ?? `generated policy ${error.policyId}`,
        message: error.error.message,
      })),
    );
  }
}

/** A policy-set handle unique in this process (each platform instance gets its own). */
export function newPolicySetId(): string {
  instances += 1;
  return `platform-policies-${instances}`;
}

/**
 * Splits one `.cedar` file into policies. A policy's id is its `@id("…")` annotation, or
 * `<file>#<n>` (1-based) when it has none; templates are refused (nothing links them).
 */
export function parseOperatorPolicies(source: string, text: string): OperatorPolicy[] {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure')
    throw new InputError(
      `Cannot parse ${source}`,
      parts.errors.map((error) => ({ path: source, message: error.message })),
    );
  if (parts.policy_templates.length > 0)
    throw new InputError(`${source} contains policy templates`, [
      { path: source, message: 'templates are not supported; write static policies' },
    ]);
  return parts.policies.map((policyText, position) => {
    const json = cedar.policyToJson(policyText);
    const annotated = json.type === 'success' ? json.json.annotations?.id : undefined;
    return { id: annotated ?? `${source}#${position + 1}`, source, text: policyText };
  });
}
