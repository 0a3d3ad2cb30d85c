import { yamlFile } from '../flux-objects.js';
import type { RenderInput, RenderedFile } from '../render-input.js';
import type { YamlOutput } from '../yaml-writer.js';
import { INFISICAL_APPLIER_PATH, infisicalApplier } from './infisical-applier.js';
import {
  identityObjects,
  INFISICAL_FOLDER,
  INFISICAL_KUSTOMIZATION_PATH,
  infisicalKustomization,
  infisicalSecrets,
} from './infisical-objects.js';
import { DEFAULT_INFISICAL_SETTINGS, infisicalScope } from './infisical-scope.js';
import { INFISICAL_TERRAFORM_PATH, infisicalTerraform } from './infisical-terraform.js';

export {
  INFISICAL_APPLIER_PATH,
  INFISICAL_FOLDER,
  INFISICAL_KUSTOMIZATION_PATH,
  INFISICAL_TERRAFORM_PATH,
};
export { INFISICAL_KUSTOMIZATION } from './infisical-scope.js';

/**
 * The Infisical files of one render (none when `settings.infisical` is `null`):
 * `infisical/main.tf.json` for the platform side and `platform/infisical-terraform.yaml`
 * that applies it there, `environment/infisical.yaml` (the Flux
 * Kustomization) and, in `environment/infisical/`, the service accounts and the
 * `InfisicalSecret`s it applies. The caller adds that folder's `kustomization.yaml`.
 */
export function infisicalFiles(
  input: RenderInput,
  writer: YamlOutput,
  labels: Readonly<Record<string, string>>,
  header: string,
): RenderedFile[] {
  const { settings, environment } = input;
  if (settings.infisical === null) return [];
  const scope = infisicalScope(input, settings.infisical ?? DEFAULT_INFISICAL_SETTINGS);
  const name = environment.name;
  return [
    {
      path: INFISICAL_TERRAFORM_PATH,
      content: `${JSON.stringify(infisicalTerraform(scope, header, labels, settings.fluxNamespace), null, 2)}\n`,
    },
    {
      path: INFISICAL_APPLIER_PATH,
      content: yamlFile(writer, name, [infisicalApplier(scope, settings, labels)]),
    },
    {
      path: INFISICAL_KUSTOMIZATION_PATH,
      content: yamlFile(writer, name, [infisicalKustomization(settings, name, labels)]),
    },
    {
      path: `${INFISICAL_FOLDER}/service-accounts.yaml`,
      content: yamlFile(writer, name, identityObjects(scope, labels)),
    },
    {
      path: `${INFISICAL_FOLDER}/secrets.yaml`,
      content: yamlFile(writer, name, infisicalSecrets(scope, labels, settings.interval)),
    },
  ];
}
