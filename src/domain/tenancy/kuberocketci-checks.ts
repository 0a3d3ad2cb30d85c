import type { KubeRocketCiSettings } from './kuberocketci-schema.js';
import type { Tenancy, Tool } from './tenancy-schema.js';

type Report = (path: string, message: string) => void;

/** The tools whose output belongs to a KubeRocketCI resource, and that resource's key. */
const RESOURCES = [
  { tool: 'sonarqube', key: 'sonar', kind: 'Sonar' },
  { tool: 'nexus', key: 'nexus', kind: 'Nexus' },
] as const satisfies readonly {
  tool: Tool;
  key: keyof KubeRocketCiSettings;
  kind: string;
}[];

/**
 * Organizations that name the same `Sonar` or `Nexus` resource (and use the tool) share
 * its output file and its operator, which serves one API generation: they must agree on
 * `kuberocketci.apiVersion`, and on `nexusUserSecret` for a shared Nexus (a person of two
 * such organizations is one NexusUser). Problems name the later organization's key.
 */
export function checkKubeRocketCi(model: Tenancy, report: Report): void {
  for (const { tool, key, kind } of RESOURCES) {
    const first = new Map<string, { at: string; settings: KubeRocketCiSettings }>();
    model.organizations.forEach((organization, o) => {
      if (!organization.products.some((product) => product.tools[tool])) return;
      const settings = organization.kuberocketci;
      const at = `organizations.${o}.kuberocketci`;
      const name = settings[key];
      const before = first.get(name);
      if (!before) {
        first.set(name, { at, settings });
        return;
      }
      if (before.settings.apiVersion !== settings.apiVersion)
        report(
          `${at}.apiVersion`,
          `${kind} '${name}' is also used by ${before.at} with apiVersion '${before.settings.apiVersion}', and one operator serves one generation: use the same apiVersion or name another ${kind} in ${at}.${key}`,
        );
      else if (
        tool === 'nexus' &&
        settings.apiVersion === 'edp.epam.com/v1alpha1' &&
        JSON.stringify(before.settings.nexusUserSecret) !== JSON.stringify(settings.nexusUserSecret)
      )
        report(
          `${at}.nexusUserSecret`,
          `Nexus '${name}' is also used by ${before.at} with another nexusUserSecret; its users are shared, so give both the same one`,
        );
    });
  }
}
