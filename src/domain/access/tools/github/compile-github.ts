import type { AccessGraph, ProductAccess } from '../../access-graph.js';
import type { AccessFile, Grant, GrantLevel, ToolOutput } from '../../access-output.js';
import { compareText, sortedUnique } from '../../serialize.js';
import {
  TerraformResources,
  providerFile,
  terraformFile,
  terraformLabel,
  terraformRef,
} from '../shared/terraform-json.js';

type TeamPermission = 'pull' | 'push' | 'maintain';

const GRANT_LEVEL: Readonly<Record<TeamPermission, GrantLevel>> = {
  pull: 'read',
  push: 'write',
  maintain: 'admin',
};

/** One team of a repository and the people the model puts in it. */
interface RepositoryTeam {
  readonly name: string;
  readonly permission: TeamPermission;
  readonly audience: string;
  readonly people: readonly string[];
}

/**
 * Seed 000 step 6, "a new github group … with access to relevant users": developers push,
 * collaborators pull, and admins of products that opted in to customer admin maintain.
 */
function repositoryTeams(access: ProductAccess, repository: string): RepositoryTeam[] {
  const developers = [...access.roles.developer.people.keys()];
  const pushing = new Set(developers);
  const readers = [...access.roles.collaborator.people.keys()].filter((p) => !pushing.has(p));
  const admins = access.product.customerAdmin ? [...access.roles.admin.people.keys()] : [];
  const teams: RepositoryTeam[] = [
    { name: repository, permission: 'push', audience: 'developers', people: developers },
  ];
  if (readers.length > 0)
    teams.push({
      name: `${repository}-readers`,
      permission: 'pull',
      audience: 'collaborators',
      people: readers,
    });
  if (admins.length > 0)
    teams.push({
      name: `${repository}-maintainers`,
      permission: 'maintain',
      audience: 'admins',
      people: admins,
    });
  return teams;
}

function unlisted(count: number): string {
  return count === 1
    ? '; 1 member without a GitHub handle is not listed'
    : `; ${count} members without a GitHub handle are not listed`;
}

/** Team names per organization (GitHub compares them without case), to refuse clashes. */
class TeamNames {
  private readonly seen = new Map<string, string>();

  claim(owner: string, team: string, by: string): void {
    const key = `${owner}/${team}`.toLowerCase();
    const other = this.seen.get(key);
    if (other !== undefined && other !== by)
      throw new TypeError(`GitHub team ${owner}/${team} is wanted by ${other} and by ${by}`);
    this.seen.set(key, by);
  }
}

/** One product's repositories on one GitHub owner. */
interface OwnerRepositories {
  readonly access: ProductAccess;
  readonly owner: string;
  readonly repositories: readonly string[];
}

/** Every product's repositories grouped by owner: products in graph order, owners sorted. */
function* ownerRepositories(graph: AccessGraph): Generator<OwnerRepositories> {
  for (const access of graph.products) {
    const byOwner = new Map<string, string[]>();
    for (const full of sortedUnique(access.product.repositories)) {
      const [owner = '', repository = ''] = full.split('/');
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), repository]);
    }
    for (const [owner, repositories] of [...byOwner].sort(([a], [b]) => compareText(a, b)))
      yield { access, owner, repositories };
  }
}

/** `github/<owner>/<product>.tf.json`. */
function ownerFilePath({ access, owner }: OwnerRepositories): string {
  return `github/${owner}/${access.product.name}.tf.json`;
}

function ownerFile(graph: AccessGraph, part: OwnerRepositories, names: TeamNames): AccessFile {
  const { access, owner, repositories } = part;
  const product = access.product.name;
  const managers = access.roles.manager.people;
  const resources = new TerraformResources();
  for (const repository of repositories) {
    for (const team of repositoryTeams(access, repository)) {
      names.claim(owner, team.name, `${product} (${owner}/${repository})`);
      const label = terraformLabel(team.name);
      const members: { username: string; role: 'maintainer' | 'member' }[] = [];
      let missing = 0;
      for (const person of team.people) {
        const username = graph.people.get(person)?.github;
        if (username === undefined) missing += 1;
        else members.push({ username, role: managers.has(person) ? 'maintainer' : 'member' });
      }
      members.sort((a, b) => compareText(a.username, b.username));
      const description = `${team.permission} access to ${owner}/${repository} for ${product} ${team.audience}`;
      resources.add('github_team', label, {
        name: team.name,
        description: missing === 0 ? description : description + unlisted(missing),
        privacy: 'closed',
      });
      // Authoritative: whoever was added by hand leaves the team on the next apply.
      resources.add('github_team_members', label, {
        team_id: terraformRef('github_team', label, 'id'),
        members,
      });
      resources.add('github_team_repository', label, {
        team_id: terraformRef('github_team', label, 'id'),
        repository,
        permission: team.permission,
      });
    }
  }
  return terraformFile(ownerFilePath(part), resources.document());
}

/** One grant per listed team member (people with a GitHub handle), as `ownerFile` lists them. */
function ownerGrants(graph: AccessGraph, part: OwnerRepositories): Grant[] {
  const { access, owner, repositories } = part;
  const grants: Grant[] = [];
  for (const repository of repositories) {
    const fullName = `${owner}/${repository}`;
    for (const team of repositoryTeams(access, repository)) {
      const permission = `${team.permission} on ${fullName}`;
      for (const person of team.people)
        if (graph.people.get(person)?.github !== undefined)
          grants.push({
            tool: 'github',
            subject: { kind: 'user', name: person },
            permission,
            level: GRANT_LEVEL[team.permission],
            product: access.product.name,
            repository: fullName,
            file: ownerFilePath(part),
          });
    }
  }
  return grants;
}

/**
 * GitHub as Terraform JSON for the `integrations/github` provider (seed 000 step 6): for
 * every product repository `owner/repo`, in `github/<owner>/<product>.tf.json`, a closed
 * team `<repo>` that may push (managers are its maintainers), `<repo>-readers` that may
 * pull for collaborators, and `<repo>-maintainers` that may maintain for admins of
 * products with `customerAdmin`; the last two only when someone holds the role. Members
 * are people with a `github` handle; the others are counted in the team's description.
 * Each `github/<owner>/` is one Terraform module whose `_provider.tf.json` sets the owner.
 */
export function compileGitHub(graph: AccessGraph): ToolOutput {
  const files: AccessFile[] = [];
  const owners = new Set<string>();
  const names = new TeamNames();
  for (const part of ownerRepositories(graph)) {
    files.push(ownerFile(graph, part, names));
    owners.add(part.owner);
  }
  for (const owner of [...owners].sort())
    files.push(providerFile(`github/${owner}`, 'github', 'integrations/github', { owner }));
  let grants: Grant[] | undefined;
  return {
    tool: 'github',
    files,
    // Tens of thousands at scale, and only `explain` and `who-can` read them: a render does
    // not make them.
    get grants() {
      grants ??= [...ownerRepositories(graph)].flatMap((part) => ownerGrants(graph, part));
      return grants;
    },
  };
}
