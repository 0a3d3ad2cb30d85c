import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { AccessFile } from '../../src/domain/access/access-output.js';
import { clearedGroupName } from '../../src/domain/access/clearance-gate.js';
import { compileAccess, type CompiledAccess } from '../../src/domain/access/compile-access.js';
import {
  extraRoleGroupName,
  roleGroupName,
  toolGroupName,
} from '../../src/domain/tenancy/group-names.js';
import { KUBEROCKETCI_API_VERSIONS } from '../../src/domain/tenancy/kuberocketci-schema.js';
import { checkTenancy } from '../../src/domain/tenancy/model-checks.js';
import {
  GROUP_ROLES,
  MANAGED_GROUP_KINDS,
  NAMESPACE_TOOLS,
  TOOLS,
  tenancySchema,
  type Tenancy,
} from '../../src/domain/tenancy/tenancy-schema.js';
import { EntitlementReference } from './entitlement-reference.js';
import { readFiles, readGrants, throughGroups } from './output-readers.js';

/**
 * The entitlement property: over random checked tenancy models, nothing the access
 * compiler writes (its files, read back, or its `grants`) gives anyone more than the model
 * entitles; no file of a product gated by a clearance binds anyone without every clearance
 * it requires (seed 003); and, so it cannot pass by writing nothing, every cleared developer
 * and collaborator is bound in each namespace of the product.
 */

const USERS = ['ann@a.example', 'bob@a.example', 'cy@b.example', 'dee@b.example', 'eve@c.example'];
const SERVICE_ACCOUNTS = ['ci-bot', 'deploy-bot'];
const SUBJECTS = [
  ...USERS.map((user) => ({ user })),
  ...['team-a', 'team-b'].map((group) => ({ group })),
  ...SERVICE_ACCOUNTS.map((serviceAccount) => ({ serviceAccount })),
];
const PRODUCTS = ['koa', 'ai', 'valkyrie', 'genesis', 'edp', 'unicorn'];
const ORG_GROUP_NAMES = ['Platform-One', 'USMC'];
const NAMINGS = [
  { roles: '{org}/{path}/{product}/{role}' },
  { roles: '{product}-{role}' },
  // Seed 001: one group per role for every product of the organization.
  { roles: 'edp-oidc-{role}s', roleNames: { collaborator: 'viewer' } },
];
/** Clearances and the IdP groups that carry them (seed 003 `IL2 Authorized`). */
const CLEARANCES = [
  { name: 'il2', group: 'IL2 Authorized' },
  { name: 'il4', group: 'IL4 Authorized' },
];
const ACCOUNTS = { registry: '354918371398', dev: '111111111111', prod: '222222222222' };
/**
 * Where a service account is: not in `serviceAccounts`, an IdP client (a Kubernetes `User`),
 * or a Kubernetes ServiceAccount of a namespace (a product's, or one of no product).
 */
const ACCOUNT_PLACES = ['unlisted', 'idp', 'ci', 'koa-dev', 'valkyrie-prod'] as const;
const CLUSTERS = ['idp-dev', 'idp-prod'];
const levels = fc.option(fc.subarray(['read', 'write'] as const, { minLength: 1 }), {
  nil: undefined,
});

const productArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    groupName: fc.option(fc.constantFrom('Valkyrie', 'Marine Coders'), { nil: undefined }),
    path: fc.constantFrom([], ['Products']),
    namespaces: fc.subarray([`${name}-dev`, `${name}-prod`]),
    repositories: fc.subarray([`gh-${name}/app`, `gh-shared/${name}-api`]),
    customerAdmin: fc.boolean(),
    clearance: fc.option(fc.subarray(['il2', 'il4'], { minLength: 1 }), { nil: undefined }),
    extraRoles: fc.subarray(['ADMIN']),
    tools: fc.tuple(...TOOLS.map(() => levels)),
    aws: fc.option(
      fc.record({
        account: fc.constant(ACCOUNTS.prod),
        clusters: fc.subarray(CLUSTERS),
        // Per cluster: all the product's namespaces (a plain name) or only some of them.
        onCluster: fc.tuple(
          ...CLUSTERS.map(() =>
            fc.option(fc.subarray([`${name}-dev`, `${name}-prod`], { minLength: 1 }), {
              nil: undefined,
            }),
          ),
        ),
        pullAccounts: fc.subarray([ACCOUNTS.dev]),
        images: fc.subarray(['api', 'web']),
      }),
      { nil: undefined },
    ),
    members: fc.uniqueArray(
      fc.record({
        who: fc.constantFrom(...SUBJECTS),
        role: fc.constantFrom('collaborator', 'developer'),
        extensions: fc.subarray(['builder', 'deployer']),
        roles: fc.subarray(['ADMIN']),
        manager: fc.boolean(),
        admin: fc.boolean(),
      }),
      { selector: (member) => JSON.stringify(member.who), maxLength: 3 },
    ),
  });

const realmArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    organizations: fc.subarray(['org-0', 'org-1', 'org-2']),
    roles: fc.constant([
      { name: 'administrator', composites: ['sonar-administrators'] },
      { name: 'developer', composites: ['sonar-developers'] },
      { name: 'sonar-administrators' },
      { name: 'sonar-developers' },
    ]),
    groups: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('ArgoCDAdmins', 'ArgoCD-users', ...ORG_GROUP_NAMES),
        realmRoles: fc.subarray(['administrator', 'developer']),
        grantedTo: fc.array(
          fc.record({
            product: fc.constantFrom(...PRODUCTS),
            role: fc.constantFrom(...GROUP_ROLES),
          }),
          { maxLength: 2 },
        ),
      }),
      { selector: (group) => group.name, maxLength: 3 },
    ),
  });

const rawModelArb = fc.record({
  organizations: fc.integer({ min: 1, max: 3 }).chain((count) =>
    fc.tuple(
      ...Array.from({ length: count }, (_, o) =>
        fc.record({
          name: fc.constant(`org-${o}`),
          groupName: fc.option(fc.constantFrom(...ORG_GROUP_NAMES), { nil: undefined }),
          groupNaming: fc.record({
            naming: fc.constantFrom(...NAMINGS),
            roleGroups: fc.subarray([...GROUP_ROLES]),
            managed: fc.subarray([...MANAGED_GROUP_KINDS]),
          }),
          products: fc.uniqueArray(fc.constantFrom(...PRODUCTS), { minLength: 1, maxLength: 2 }),
          cdPipelineNamespaces: fc.boolean(),
          // Which of two Sonar/Nexus installations (each of one API generation) it uses.
          kuberocketci: fc.nat(1),
          // Declared IdP groups (like a realm.yaml), picked among the names the model uses.
          groups: fc.array(
            fc.record({ pick: fc.nat(), members: fc.subarray(USERS, { maxLength: 2 }) }),
            { maxLength: 3 },
          ),
        }),
      ),
    ),
  ),
  products: fc.tuple(...PRODUCTS.map(productArb)),
  // Per person: bit 0 listed in `users`, bit 1 with an e-mail, bit 2 with a GitHub handle;
  // often all three, so that Nexus and Gerrit (people with an e-mail only) write users.
  directory: fc.array(fc.oneof(fc.constant(7), fc.nat(7)), {
    minLength: USERS.length,
    maxLength: USERS.length,
  }),
  platformAdmins: fc.record({
    users: fc.subarray(USERS, { maxLength: 1 }),
    groups: fc.subarray(['platform-admins']),
  }),
  realms: fc.option(fc.tuple(realmArb('edp'), realmArb('broker')), { nil: undefined }),
  // Per clearance: whether it has its group, the group's declared members, users cleared directly.
  clearances: fc.tuple(
    ...CLEARANCES.map(() =>
      fc.record({
        group: fc.boolean(),
        members: fc.subarray(USERS),
        users: fc.subarray([...USERS, 'ci-bot', 'deploy-bot'], { maxLength: 3 }),
      }),
    ),
  ),
  aws: fc.boolean(),
  serviceAccounts: fc.tuple(...SERVICE_ACCOUNTS.map(() => fc.constantFrom(...ACCOUNT_PLACES))),
  /** The API generation of each KubeRocketCI installation. */
  generations: fc.tuple(
    fc.constantFrom(...KUBEROCKETCI_API_VERSIONS),
    fc.constantFrom(...KUBEROCKETCI_API_VERSIONS),
  ),
  /** Grafana groups (plain or cleared) given an IdP object id, picked among the model's. */
  groupIds: fc.array(fc.nat(), { maxLength: 4 }),
});
type Raw = typeof rawModelArb extends fc.Arbitrary<infer R> ? R : never;

/**
 * A model from random parts, made to satisfy what the schema and `checkTenancy` demand
 * (each product once, admin only where the product opts in, per-namespace tools only with
 * namespaces, realm grants to products of the model). It includes the shapes on which this
 * property once found over-grants: products sharing role group names, one realm group name
 * in two realms, realm groups granted to several roles or to builders, and realm groups
 * named like an organization above its hierarchical groups. And the shapes of issue 16:
 * service accounts as IdP clients and as Kubernetes ServiceAccounts (of a product's
 * namespace or another), organizations whose CD pipeline creates namespaces, both
 * KubeRocketCI API generations, cluster entries with namespaces, Grafana groups with ids.
 */
function buildModel(raw: Raw): Tenancy {
  const seen = new Set<string>();
  const once = (key: string): boolean => !seen.has(key) && seen.add(key).has(key);
  const product = (name: string) => {
    const { tools, members, aws, groupName, clearance, ...rest } =
      raw.products[PRODUCTS.indexOf(name)]!;
    const hasNamespaces = rest.namespaces.length > 0;
    // SonarQube's and Nexus's seed 001 roles cover every project: no gated product has them.
    const global = clearance ? ['sonarqube', 'nexus'] : [];
    const listed = TOOLS.map((tool, i) => [tool, tools[i]] as const).filter(
      ([tool, levels]) =>
        levels && (hasNamespaces || !NAMESPACE_TOOLS.includes(tool)) && !global.includes(tool),
    );
    return {
      ...rest,
      ...(clearance && { clearance: { requires: clearance } }),
      // Equal group names make products share role groups, as a shared convention does.
      groupName,
      tools: Object.fromEntries(listed),
      members: members.map(({ who, roles, admin, ...member }) => ({
        ...who,
        ...member,
        roles: roles.filter((role) => rest.extraRoles.includes(role)),
        admin: admin && rest.customerAdmin,
      })),
      ...(raw.aws && aws
        ? {
            aws: (({ onCluster: _, ...own }) => ({
              ...own,
              clusters: productClusters(aws, rest.namespaces),
            }))(aws),
            secretsNamespace: name,
            registryNamespace: name,
          }
        : {}),
    };
  };
  const organizations = raw.organizations.map(
    ({ groupNaming, groups, products, kuberocketci, ...org }) => {
      const own = products.filter((name) => once(name)).map(product);
      const { naming, ...rest } = groupNaming;
      return {
        ...org,
        groupNaming: { ...naming, ...rest },
        products: own,
        groups,
        // Organizations of one installation share its generation, as the model checks demand.
        kuberocketci: {
          apiVersion: raw.generations[kuberocketci],
          sonar: kuberocketci === 0 ? 'sonar' : 'sonar-b',
          nexus: kuberocketci === 0 ? 'nexus' : 'nexus-b',
        },
      };
    },
  );
  const customerAdmin = new Map(raw.products.map((p) => [p.name, p.customerAdmin]));
  const realms = raw.realms?.map((realm) => ({
    ...realm,
    organizations: realm.organizations.filter(
      (o) => organizations.some((org) => org.name === o) && once(`realm ${o}`),
    ),
    groups: realm.groups.map((group) => ({
      ...group,
      grantedTo: group.grantedTo.filter(
        ({ product: p, role }) =>
          seen.has(p) && (role !== 'admin' || customerAdmin.get(p) === true),
      ),
    })),
  }));
  const model = tenancySchema.parse({
    users: USERS.flatMap((name, i) => {
      const bits = raw.directory[i] ?? 0;
      const github = name.replace(/@.*/, '-gh');
      return bits & 1
        ? [{ name, email: bits & 2 ? name : undefined, github: bits & 4 ? github : undefined }]
        : [];
    }),
    platformAdmins: raw.platformAdmins,
    serviceAccounts: SERVICE_ACCOUNTS.flatMap((name, i) => {
      const place = raw.serviceAccounts[i] ?? 'unlisted';
      if (place === 'unlisted') return [];
      return [place === 'idp' ? { name } : { name, kubernetes: { namespace: place } }];
    }),
    clearances: CLEARANCES.map(({ name, group }, i) => ({
      name,
      ...(raw.clearances[i]?.group && { group }),
      users: raw.clearances[i]?.users ?? [],
    })),
    organizations: organizations.map(({ groups: _, ...org }) => org),
    ...(realms && { keycloak: { realms } }),
    ...(raw.aws && {
      aws: {
        region: 'eu-west-1',
        registry: { account: ACCOUNTS.registry, shared: ['idp/charts'] },
        clusters: [
          { name: 'idp-dev', account: ACCOUNTS.dev, authentication: ['aws-auth'] },
          { name: 'idp-prod', account: ACCOUNTS.prod },
        ],
      },
    }),
  });
  // Declared groups: conventional, extra-role, team and admin groups of the model.
  model.organizations.forEach((organization, o) => {
    const names = ['team-a', 'team-b', 'platform-admins'];
    for (const p of organization.products) {
      names.push(...GROUP_ROLES.map((role) => roleGroupName(organization, p, role)));
      names.push(...p.extraRoles.map((role) => extraRoleGroupName(organization, p, role)));
    }
    const picked = (organizations[o]?.groups ?? []).map(({ pick, members }) => ({
      name: names[pick % names.length] ?? '',
      members,
    }));
    organization.groups = picked.filter((group) => once(`${organization.name} ${group.name}`));
  });
  model.idp.groupIds = grafanaGroupIds(model, raw.groupIds);
  // The clearance groups' declared members, in the first organization (the IdP is one).
  model.organizations[0]?.groups.push(
    ...CLEARANCES.flatMap(({ group }, i) => {
      const { group: has = false, members = [] } = raw.clearances[i] ?? {};
      return has ? [{ name: group, members }] : [];
    }),
  );
  return model;
}

/** A product's cluster entries: a name (all its namespaces) or `{ name, namespaces }`. */
function productClusters(
  aws: { clusters: string[]; onCluster: (string[] | undefined)[] },
  namespaces: readonly string[],
) {
  return aws.clusters.map((name) => {
    const listed = aws.onCluster[CLUSTERS.indexOf(name)]?.filter((n) => namespaces.includes(n));
    return listed && listed.length > 0 ? { name, namespaces: listed } : name;
  });
}

/** IdP object ids for the picked Grafana groups, and for the cleared ones of gated products. */
function grafanaGroupIds(model: Tenancy, picks: readonly number[]): Record<string, string> {
  const names = model.organizations.flatMap((organization) =>
    organization.products.flatMap((product) =>
      (product.tools.grafana ?? []).flatMap((level) =>
        product.namespaces.flatMap((namespace) => {
          const name = toolGroupName(organization, product, namespace, 'grafana', level);
          const requires = product.clearance?.requires;
          return requires ? [name, clearedGroupName(organization, name, requires)] : [name];
        }),
      ),
    ),
  );
  if (names.length === 0) return {};
  return Object.fromEntries(
    picks.map((pick) => [names[pick % names.length] ?? '', `00000000-0000-4000-8000-${pick}`]),
  );
}

const modelArb = (): fc.Arbitrary<Tenancy> =>
  rawModelArb.map((raw) => buildModel(raw)).filter((model) => checkTenancy(model).length === 0);

/**
 * What the outputs give that the model does not entitle, as text: a user or service
 * account given something it may not have, a group whose name does not stand for what it
 * is given, or a group's member (declared, or put there by an output) not entitled to it.
 */
function entitlementProblems(model: Tenancy, compiled: Pick<CompiledAccess, 'files' | 'grants'>) {
  const reference = new EntitlementReference(model);
  const facts = [...readFiles(compiled.files, model), ...readGrants(compiled.grants)];
  const problems: string[] = [];
  for (const fact of [...facts, ...throughGroups(facts, model)]) {
    const { subject, permission, grant, via } = fact;
    const said = JSON.stringify(permission ?? grant?.permission);
    const report = (why: string): void => {
      problems.push(`${fact.file}: ${subject.kind} ${subject.name} → ${said}: ${why}`);
    };
    if (!permission) {
      // AWS grants go to IAM roles, accounts and repositories, never to people (seed 002);
      // one on a cluster's namespace only where the model runs that namespace on it.
      const at = reference.byName(grant?.product ?? '');
      const scoped =
        grant?.namespace === undefined ||
        (grant.cluster === undefined
          ? at?.product.namespaces.includes(grant.namespace)
          : reference.onCluster(at, grant.cluster, grant.namespace));
      const ok =
        subject.kind === 'repository'
          ? at?.product.repositories.includes(subject.name)
          : subject.kind === 'group' && /^(iam-role|aws-account):/.test(subject.name) && scoped;
      if (grant?.tool !== 'aws' || !ok) report("unreadable, or not the product's own");
    } else if (subject.kind === 'group') {
      // aws-auth (`aws/eks/<cluster>/aws-auth.yaml`) maps a product's IAM namespace role to
      // `<product>-namespace-admins` (seed 002), bound in its namespaces on that cluster.
      const awsAuth = fact.file.includes('/aws-auth.') && permission.tool === 'kubernetes';
      const owner = awsAuth ? reference.owner(permission.namespace) : undefined;
      const cluster = fact.file.split('/')[2] ?? '';
      if (permission.tool === 'eks') {
        // A product's access entries reach only its namespaces the model puts on that cluster.
        const at = reference.byName(permission.product);
        if (!reference.onCluster(at, permission.cluster, permission.namespace))
          report('not a namespace of the product on that cluster');
      } else if (
        awsAuth
          ? subject.name !== `${owner?.product.name}-namespace-admins` ||
            !reference.onCluster(owner, cluster, permission.namespace)
          : !reference.groupMay(subject.name, permission)
      )
        report('the model gives the group no such meaning');
    } else {
      // Service accounts sign in as Kubernetes `User`s (OIDC client credentials), unless the
      // model makes them Kubernetes ServiceAccounts: then a `User` of their name is someone else.
      const kubernetes = permission.tool === 'kubernetes' || permission.tool === 'cd-pipeline';
      const asAccount =
        subject.kind === 'serviceAccount' || (kubernetes && !reference.inKubernetes(subject.name));
      const entitled =
        (subject.kind !== 'serviceAccount' &&
          reference.entitled(subject.name, 'person', permission)) ||
        (asAccount && reference.entitled(subject.name, 'serviceAccount', permission));
      if (!entitled) report(via ? `not entitled, yet a member of ${via}` : 'not entitled');
    }
  }
  return problems;
}

/**
 * What files of a gated scope (a namespace, project, repository or tool level of a product
 * with a clearance) give to someone without every clearance it requires: a user or service
 * account bound directly, a declared or output-listed member of a bound group, or a bound
 * group the compiler does not create (its members are unknown, so uncleared people may be
 * among them).
 */
function clearanceProblems(model: Tenancy, compiled: Pick<CompiledAccess, 'files' | 'grants'>) {
  const reference = new EntitlementReference(model);
  const facts = [...readFiles(compiled.files, model), ...readGrants(compiled.grants)];
  const idp = compiled.files.find((file) => file.path === 'idp/groups.json');
  const created = new Set(
    (JSON.parse(idp?.content ?? '{"groups":[]}') as { groups: { name: string }[] }).groups.map(
      (group) => group.name,
    ),
  );
  const problems: string[] = [];
  for (const fact of [...facts, ...throughGroups(facts, model)]) {
    const { subject, permission, via } = fact;
    const gated = permission ? reference.gatedScopes(permission) : [];
    if (gated.length === 0) continue;
    const said = `${fact.file}: ${subject.kind} ${subject.name} → ${JSON.stringify(permission)}`;
    const requires = (at: (typeof gated)[number]) =>
      `${at.product.name} requires ${at.product.clearance?.requires.join(' and ')}`;
    // aws-auth's group for a product's IAM namespace role: who may assume the role is for the
    // cluster account's administrators (seed 002), as for every AWS grant.
    const awsAuth = fact.file.includes('/aws-auth.') && subject.name.endsWith('-namespace-admins');
    if (subject.kind === 'group') {
      if (!created.has(subject.name) && !awsAuth)
        problems.push(`${said}: a group the compiler does not create (${requires(gated[0]!)})`);
      continue;
    }
    const kind = subject.kind === 'serviceAccount' ? 'serviceAccount' : 'person';
    const uncleared = gated.find((at) => !reference.clearedFor(subject.name, kind, at));
    if (uncleared)
      problems.push(`${said}: not cleared (${requires(uncleared)})${via ? `, via ${via}` : ''}`);
  }
  return problems;
}

/**
 * Cleared developers and collaborators (people and service accounts) missing from their
 * product namespaces' RoleBindings, and cleared developers missing from the `tenant-admin`
 * template of an organization whose CD pipeline creates namespaces. Service accounts the
 * model puts in Kubernetes are expected as `ServiceAccount` subjects, the others as `User`s.
 */
function missingBindings(model: Tenancy, files: readonly AccessFile[]): string[] {
  const reference = new EntitlementReference(model);
  const direct = readFiles(files, model);
  const bound = new Set(
    [...direct, ...throughGroups(direct, model)].map(({ subject, permission: p }) => {
      const where =
        p?.tool === 'kubernetes'
          ? `${p.clusterRole} in ${p.namespace}`
          : p?.tool === 'cd-pipeline' && `${p.clusterRole} in ${p.product}'s CD pipeline`;
      return where && `${subject.kind} ${subject.name}: ${where}`;
    }),
  );
  const principals = [
    ...reference.people().map((name) => ({ name, kind: 'person' as const, as: 'user' })),
    ...SERVICE_ACCOUNTS.map((name) => ({
      name,
      kind: 'serviceAccount' as const,
      as: reference.inKubernetes(name) ? 'serviceAccount' : 'user',
    })),
  ];
  const needed = principals.flatMap(({ name, kind, as }) =>
    reference.products.flatMap((at) => {
      const { organization, product } = at;
      const has = (role: string) =>
        reference.holds(name, kind, at, role) && reference.clearedFor(name, kind, at);
      return [
        ...(['developer', 'collaborator'] as const)
          .filter(has)
          .flatMap((role) =>
            product.namespaces.map(
              (namespace) =>
                `${as} ${name}: ${role === 'developer' ? 'tenant-developer' : 'view'} in ${namespace}`,
            ),
          ),
        ...(organization.cdPipelineNamespaces && has('developer')
          ? [`${as} ${name}: admin in ${product.name}'s CD pipeline`]
          : []),
      ];
    }),
  );
  return needed.filter((binding) => !bound.has(binding));
}

const numRuns = Number(process.env.ENTITLEMENT_RUNS ?? 150);

describe('access compiler entitlement property', () => {
  it('gives no user, service account or group more than the model entitles', () => {
    fc.assert(
      fc.property(modelArb(), (model) => {
        expect(entitlementProblems(model, compileAccess(model))).toEqual([]);
      }),
      { numRuns },
    );
  });

  it('binds no one without the clearances in any file of a gated product (seed 003)', () => {
    fc.assert(
      fc.property(modelArb(), (model) => {
        expect(clearanceProblems(model, compileAccess(model))).toEqual([]);
      }),
      { numRuns },
    );
  });

  it("binds every cleared developer and collaborator in each of the product's namespaces", () => {
    fc.assert(
      fc.property(modelArb(), (model) => {
        expect(missingBindings(model, compileAccess(model).files)).toEqual([]);
      }),
      { numRuns },
    );
  });
});

describe('the entitlement checker', () => {
  // Models whose namespaces have RoleBindings to add a subject to.
  const withBindings = modelArb().filter((model) =>
    compileAccess(model).files.some(
      (file) =>
        file.path.startsWith('kubernetes/namespaces/') &&
        file.content.includes('kind: RoleBinding'),
    ),
  );
  const stranger = 'mallory@evil.example';
  type Json = { kind?: string; subjects?: object[]; groups?: { members?: string[] }[] };
  /** Files under `prefix` with `change` applied to each of their documents. */
  const corrupt = (files: readonly AccessFile[], prefix: string, change: (doc: Json) => void) =>
    files.map((file) => {
      if (!file.path.startsWith(prefix)) return file;
      const json = file.path.endsWith('.json');
      const docs = parseAllDocuments(file.content).map((doc) => doc.toJS() as Json);
      docs.forEach(change);
      const content = json ? JSON.stringify(docs[0]) : docs.map((d) => stringify(d)).join('---\n');
      return { ...file, content };
    });

  it('catches an uncleared user and an outside group bound in a gated namespace only', () => {
    const gated = (model: Tenancy) =>
      new Set(
        model.organizations.flatMap((o) =>
          o.products.flatMap((p) => (p.clearance ? p.namespaces : [])),
        ),
      );
    const withGated = modelArb().filter((model) =>
      compileAccess(model).files.some(
        (file) =>
          gated(model).has(file.path.replace(/^kubernetes\/namespaces\/|\.yaml$/g, '')) &&
          file.content.includes('kind: RoleBinding'),
      ),
    );
    fc.assert(
      fc.property(withGated, (model) => {
        const { files, grants } = compileAccess(model);
        const namespaces = gated(model);
        const bound = corrupt(files, 'kubernetes/namespaces/', (doc) => {
          if (doc.kind !== 'RoleBinding') return;
          doc.subjects?.push(
            { kind: 'User', name: stranger },
            { kind: 'Group', name: 'outsiders' },
          );
        });
        const found = clearanceProblems(model, { files: bound, grants });
        const at = (problem: string) =>
          namespaces.has(problem.replace(/^kubernetes\/namespaces\/|\.yaml:.*$/g, ''));
        expect(found.some((p) => p.includes(`user ${stranger}`) && p.includes('not cleared'))).toBe(
          true,
        );
        expect(
          found.some((p) => p.includes('group outsiders') && p.includes('does not create')),
        ).toBe(true);
        // Ungated namespaces are not the clearance's business.
        expect(found.every((p) => at(p))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('catches a ServiceAccount bound in another namespace or as a User, and strangers in the CD pipeline template', () => {
    type Subject = { kind?: string; name?: string; namespace?: string; apiGroup?: string };
    const bindsAccounts = modelArb().filter((model) =>
      compileAccess(model).files.some((file) => file.content.includes('kind: ServiceAccount')),
    );
    fc.assert(
      fc.property(bindsAccounts, (model) => {
        const compiled = compileAccess(model);
        const moved = corrupt(compiled.files, 'kubernetes/', (doc) => {
          for (const subject of (doc.subjects ?? []) as Subject[])
            if (subject.kind === 'ServiceAccount') subject.namespace = 'elsewhere';
        });
        const problems = entitlementProblems(model, { ...compiled, files: moved });
        expect(problems.some((p) => p.includes('user ?serviceaccount:elsewhere/'))).toBe(true);
        const asUsers = corrupt(compiled.files, 'kubernetes/', (doc) => {
          for (const subject of (doc.subjects ?? []) as Subject[])
            if (subject.kind === 'ServiceAccount')
              Object.assign(subject, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io' });
        });
        expect(
          entitlementProblems(model, { ...compiled, files: asUsers }).some((p) =>
            /: user (ci-bot|deploy-bot) → .*not entitled$/.test(p),
          ),
        ).toBe(true);
      }),
      { numRuns: 15 },
    );
    const withTemplate = modelArb().filter((model) =>
      compileAccess(model).files.some((file) => file.path.startsWith('kubernetes/cd-pipeline/')),
    );
    fc.assert(
      fc.property(withTemplate, (model) => {
        const compiled = compileAccess(model);
        const files = corrupt(compiled.files, 'kubernetes/cd-pipeline/', (doc) => {
          doc.subjects?.push({ kind: 'User', name: stranger });
        });
        const template = /^kubernetes\/cd-pipeline\/[^:]*: user mallory@evil\.example → /;
        const found = entitlementProblems(model, { ...compiled, files });
        expect(found.some((p) => template.test(p) && p.endsWith('not entitled'))).toBe(true);
        const gated = model.organizations.some(
          (o) =>
            o.cdPipelineNamespaces &&
            o.products.some((p) =>
              files.some(
                (f) =>
                  p.clearance && f.path === `kubernetes/cd-pipeline/${p.name}/tenant-admin.yaml`,
              ),
            ),
        );
        const uncleared = clearanceProblems(model, { ...compiled, files });
        expect(uncleared.some((p) => template.test(p) && p.includes('not cleared'))).toBe(gated);
        // Without the templates, each cleared developer is missing from them.
        const reference = new EntitlementReference(model);
        const developers = [
          ...reference.people().map((name) => [name, 'person'] as const),
          ...SERVICE_ACCOUNTS.map((name) => [name, 'serviceAccount'] as const),
        ].some(([name, kind]) =>
          reference.products.some(
            (at) =>
              at.organization.cdPipelineNamespaces &&
              reference.holds(name, kind, at, 'developer') &&
              reference.clearedFor(name, kind, at),
          ),
        );
        const rest = compiled.files.filter((f) => !f.path.startsWith('kubernetes/cd-pipeline/'));
        expect(missingBindings(model, rest).some((p) => p.endsWith("'s CD pipeline"))).toBe(
          developers,
        );
      }),
      { numRuns: 15 },
    );
  });

  it('catches an added RoleBinding User, IdP group member or grant, and missing bindings', () => {
    fc.assert(
      fc.property(withBindings, (model) => {
        const { files, grants } = compileAccess(model);
        const found = (compiled: Pick<CompiledAccess, 'files' | 'grants'>) =>
          entitlementProblems(model, compiled).filter((p) => p.includes(stranger));
        const bindings = corrupt(files, 'kubernetes/namespaces/', (doc) => {
          if (doc.kind === 'RoleBinding') doc.subjects?.push({ kind: 'User', name: stranger });
        });
        expect(found({ files: bindings, grants })).not.toEqual([]);
        const idp = corrupt(files, 'idp/', (doc) => {
          for (const group of doc.groups ?? []) group.members?.push(stranger);
        });
        if (idp.some((file) => file.content.includes(stranger)))
          expect(found({ files: idp, grants })).not.toEqual([]);
        const subject = { kind: 'user', name: stranger } as const;
        const grant = {
          tool: 'github',
          subject,
          permission: 'pull on gh-koa/app',
          level: 'read',
          file: 'x',
        } as const;
        expect(found({ files, grants: [...grants, grant] })).not.toEqual([]);
        // Without the namespace files, everyone the model binds there is missing.
        const reference = new EntitlementReference(model);
        const principals = [
          ...reference.people().map((name) => [name, 'person'] as const),
          ...SERVICE_ACCOUNTS.map((name) => [name, 'serviceAccount'] as const),
        ];
        const bindable = principals.some(([name, kind]) =>
          reference.products.some(
            (at) =>
              at.product.namespaces.length > 0 &&
              reference.holds(name, kind, at, 'collaborator') &&
              reference.clearedFor(name, kind, at),
          ),
        );
        const rest = files.filter((file) => !file.path.startsWith('kubernetes/namespaces/'));
        expect(missingBindings(model, rest).length > 0).toBe(bindable);
      }),
      { numRuns: 30 },
    );
  });
});
