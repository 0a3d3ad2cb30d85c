import type { Tenancy } from './tenancy-schema.js';

type Report = (path: string, message: string) => void;

/** Why a tool cannot keep a product to its cleared people (seed 001's roles are global). */
const GLOBAL_TOOLS = {
  sonarqube:
    "SonarQube's edp-default permission template (seed 001) gives its groups every project (projectKeyPattern .+), so uncleared sonar-developers would read this product's code",
  nexus:
    "Nexus's edp-viewer and edp-admin roles (seed 001) reach every repository, so uncleared viewers of other products would read this product's artifacts",
} as const;

/**
 * A product with a clearance may only use tools whose access the compiler can limit to
 * its cleared people (seed 003: "IL2 Authorized and P1/Product/Unicorn/developer would
 * both be required"). SonarQube and Nexus, as seed 001 configures them, grant per tool,
 * not per product.
 */
export function checkClearedTools(model: Tenancy, report: Report): void {
  model.organizations.forEach((organization, o) =>
    organization.products.forEach((product, p) => {
      if (!product.clearance) return;
      const requires = product.clearance.requires.join(' and ');
      for (const [tool, why] of Object.entries(GLOBAL_TOOLS))
        if (product.tools[tool as keyof typeof GLOBAL_TOOLS])
          report(
            `organizations.${o}.products.${p}.tools.${tool}`,
            `product ${product.name} requires clearance ${requires}, but ${why}; remove tools.${tool} or the clearance`,
          );
    }),
  );
}
