import type { FieldError } from '../../../errors.js';
import type { Tenancy } from '../../../tenancy/tenancy-schema.js';

/** The teams a repository may get (seed 000 step 6): see `compile-github.ts`. */
const TEAM_SUFFIXES = ['', '-readers', '-maintainers'];

/**
 * A repository belongs to one product (its team and cloud roles follow that product's
 * members), and its teams must not clash with another repository's in the same GitHub
 * organization, which compares team names without case.
 */
export function checkGitHubNames(model: Tenancy): FieldError[] {
  const problems: FieldError[] = [];
  const owners = new Map<string, string>();
  const teams = new Map<string, string>();
  model.organizations.forEach((organization, o) =>
    organization.products.forEach((product, p) =>
      product.repositories.forEach((repository, r) => {
        const at = `organizations.${o}.products.${p}.repositories.${r}`;
        const owner = owners.get(repository.toLowerCase());
        if (owner !== undefined) {
          problems.push({
            path: at,
            message: `repository '${repository}' is already listed by ${owner}; a repository belongs to one product`,
          });
          return;
        }
        owners.set(repository.toLowerCase(), `product ${product.name} (${at})`);
        const [org = '', name = ''] = repository.split('/');
        for (const suffix of TEAM_SUFFIXES) {
          const key = `${org}/${name}${suffix}`.toLowerCase();
          const other = teams.get(key);
          if (other !== undefined)
            problems.push({
              path: at,
              message: `GitHub team '${name}${suffix}' in ${org} would also be made for ${other}; rename one repository`,
            });
          else teams.set(key, repository);
        }
      }),
    ),
  );
  return problems;
}
