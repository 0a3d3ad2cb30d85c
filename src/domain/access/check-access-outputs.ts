import type { FieldError } from '../errors.js';
import type { Tenancy } from '../tenancy/tenancy-schema.js';
import { checkAwsNames } from './tools/aws/aws-checks.js';
import { checkGitHubNames } from './tools/github/github-checks.js';
import { checkKeycloakNames } from './tools/keycloak/keycloak-checks.js';

/**
 * Checks on the names the generators derive from the model, run with the tenancy model
 * checks so a model that passes them always renders (the generators throw `TypeError` on
 * what these report, and that would otherwise surface as a 500).
 */
export function checkAccessOutputs(model: Tenancy): FieldError[] {
  return [...checkAwsNames(model), ...checkGitHubNames(model), ...checkKeycloakNames(model)];
}
