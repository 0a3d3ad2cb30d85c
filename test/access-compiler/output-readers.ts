import { parseAllDocuments } from 'yaml';
import type { AccessFile, Grant } from '../../src/domain/access/access-output.js';
import { CD_PIPELINE_NAMESPACES } from '../../src/domain/access/tools/kubernetes/cd-pipeline-template.js';
import type { Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';

/**
 * Readers of the access compiler's outputs: what each generated file gives to whom, read
 * back from the YAML and JSON the tools apply (not from the compiler's data structures),
 * and the `grants` list in the same words, so one checker holds both to the model.
 */

export type Level = 'read' | 'write' | 'admin';
const LEVELS: readonly Level[] = ['read', 'write', 'admin'];
export const atMost = (level: Level, limit: Level | undefined): boolean =>
  limit !== undefined && LEVELS.indexOf(level) <= LEVELS.indexOf(limit);

/** One permission an output gives, in the words of the tool that enforces it. */
export type Permission =
  | { readonly tool: 'kubernetes'; readonly namespace: string; readonly clusterRole: string }
  /** A RoleBinding template the CD pipeline applies in each stage namespace it creates. */
  | { readonly tool: 'cd-pipeline'; readonly product: string; readonly clusterRole: string }
  /** `product: '*'` is Argo CD's global `role:admin`; no `namespace`: the whole project. */
  | {
      readonly tool: 'argocd';
      readonly product: string;
      readonly namespace?: string | undefined;
      readonly level: Level;
    }
  | { readonly tool: 'grafana'; readonly namespace: string; readonly level: Level }
  /** `maintainer`: the team role that may add members to the repository's team. */
  | {
      readonly tool: 'github';
      readonly repository: string;
      readonly permission: 'pull' | 'push' | 'maintain' | 'maintainer';
    }
  /** Grants also say for which product and level a Gerrit group or Nexus role is given. */
  | {
      readonly tool: 'gerrit';
      readonly group: string;
      readonly product?: string;
      readonly level?: Level;
    }
  | { readonly tool: 'nexus'; readonly role: string; readonly product?: string }
  | { readonly tool: 'keycloak'; readonly realm: string; readonly role: string }
  /** A group of seed 001's `edp-default` template, named for one product's level. */
  | { readonly tool: 'sonarqube'; readonly product: string; readonly level: Level }
  /** Membership of an IdP or Keycloak group. */
  | { readonly tool: 'group'; readonly group: string }
  /**
   * An EKS access policy on a namespace (`*`: cluster-wide) from a product's Terraform; its
   * subject is the access entry (`eks-access:<name>`), an IAM role, never a person (seed 002).
   */
  | {
      readonly tool: 'eks';
      readonly product: string;
      readonly cluster: string;
      readonly namespace: string;
    };

/** A subject given a permission; a `user` is a sign-in name (person or service account). */
export interface Fact {
  readonly subject: { readonly kind: Grant['subject']['kind']; readonly name: string };
  /** Undefined for AWS grants, whose subjects are IAM roles, accounts and repositories. */
  readonly permission: Permission | undefined;
  readonly file: string;
  /** The group a person fact comes through (see {@link throughGroups}). */
  readonly via?: string;
  readonly grant?: Grant;
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.map(record) : []);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** A file's documents: JSON, or YAML with several documents (`---`). */
const documents = (file: AccessFile): Json[] =>
  file.path.endsWith('.json')
    ? [record(JSON.parse(file.content))]
    : parseAllDocuments(file.content).map((document) => record(document.toJS()));
const resources = (file: AccessFile): Json => record(record(JSON.parse(file.content)).resource);

/** Records what one file gives: `emit('user' | 'group' | 'serviceAccount', name, permission)`. */
type Emit = (
  kind: 'user' | 'group' | 'serviceAccount',
  name: string,
  permission: Permission | undefined,
) => void;

const SUBJECT_KINDS: Readonly<Record<string, 'user' | 'group'>> = { User: 'user', Group: 'group' };

/**
 * RoleBindings of tenant namespaces, of aws-auth and the CD pipeline's templates (`template`:
 * the product whose stage namespaces a binding without a namespace goes into): every subject
 * with its ClusterRole. A `ServiceAccount` subject is the model's service account only when
 * the model places one of that name in that namespace; anything else is marked with `?`.
 */
function readRoleBindings(file: AccessFile, emit: Emit, model: Tenancy, template?: string): void {
  for (const binding of documents(file).filter((document) => document.kind === 'RoleBinding')) {
    const namespace = text(record(binding.metadata).namespace);
    const clusterRole = text(record(binding.roleRef).name);
    const permission: Permission =
      template !== undefined && namespace === ''
        ? { tool: 'cd-pipeline', product: template, clusterRole }
        : { tool: 'kubernetes', namespace, clusterRole };
    for (const subject of records(binding.subjects)) {
      const name = text(subject.name);
      if (text(subject.kind) === 'ServiceAccount') {
        const at = text(subject.namespace);
        const known = model.serviceAccounts.some(
          (account) => account.name === name && account.kubernetes?.namespace === at,
        );
        if (known) emit('serviceAccount', name, permission);
        else emit('user', `?serviceaccount:${at}/${name}`, permission);
        continue;
      }
      const kind = SUBJECT_KINDS[text(subject.kind)];
      emit(kind ?? 'user', kind ? name : `?${name}`, permission);
    }
  }
}

/** One CSV line as Casbin reads it: fields split on commas, RFC 4180 quotes respected. */
function csv(line: string): string[] {
  const fields = [...line.matchAll(/\s*("(?:[^"]|"")*"|[^,]*)\s*(?:,|$)/g)].map((m) => m[1] ?? '');
  // The last match is the empty one at the end of the line.
  return fields
    .slice(0, -1)
    .map((field) => (field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field));
}

/** Argo CD `p` lines per subject → one permission: the actions' level on one object. */
function argocdPermissions(lines: readonly string[]): Map<string, Permission> {
  const rules = new Map<string, [string, string][]>();
  for (const [kind, subject = '', resource, action = '', object = ''] of lines.map(csv))
    if (kind === 'p' && resource === 'applications')
      rules.set(subject, [...(rules.get(subject) ?? []), [object, action]]);
  const permissions = new Map<string, Permission>();
  for (const [subject, pairs] of rules) {
    const objects = new Set(pairs.map(([object]) => object));
    const actions = pairs.map(([, action]) => action);
    const [product = '', namespace, rest] = (objects.size === 1 ? [...objects].join() : '?').split(
      '/',
    );
    const writes = actions.some((action) => action !== 'get');
    const level = actions.includes('*') ? 'admin' : writes ? 'write' : 'read';
    // `<project>/*` covers every namespace, `<project>/<namespace>/*` one; others: unknown.
    const scope = rest === '*' ? namespace : namespace === '*' ? undefined : `?${namespace}`;
    permissions.set(subject, { tool: 'argocd', product, namespace: scope, level });
  }
  return permissions;
}

/**
 * AppProject roles (groups and policies), and the `g` lines of `argocd-rbac-cm` and of the
 * offline `argocd/policy.csv` (not applied, but a copy that must not grant more either).
 */
function readArgoCd(file: AccessFile, emit: Emit): void {
  if (file.path.startsWith('argocd/projects/')) {
    for (const project of documents(file))
      for (const role of records(record(project.spec).roles)) {
        const permission = [...argocdPermissions(texts(role.policies)).values()][0];
        for (const name of texts(role.groups)) emit('group', name, permission);
      }
    return;
  }
  const lines = file.path.endsWith('.csv')
    ? file.content.split('\n').filter((line) => !line.startsWith('#'))
    : documents(file).flatMap((d) => text(record(d.data)['policy.csv']).split('\n'));
  const roles = argocdPermissions(lines);
  roles.set('role:admin', { tool: 'argocd', product: '*', level: 'admin' });
  for (const [kind, name = '', role = ''] of lines.map(csv))
    if (kind === 'g') emit('group', name, roles.get(role));
}

/** `${type.label.attribute}` → label. */
const label = (value: unknown): string => /^\$\{\w+\.([^.]+)\./.exec(text(value))?.[1] ?? '';
const GRAFANA_LEVELS: Readonly<Record<string, Level>> = { View: 'read', Edit: 'write' };

/**
 * Grafana: each folder's team permissions, and the IdP groups each team syncs, by name or
 * by the IdP object id the model gives the group (`idp.groupIds`), read back as its name.
 */
function readGrafana(file: AccessFile, emit: Emit, model: Tenancy): void {
  const byId = new Map(Object.entries(model.idp.groupIds).map(([name, id]) => [id, name]));
  const resource = resources(file);
  const folders = record(resource.grafana_folder);
  const synced = record(resource.grafana_team_external_group);
  for (const entry of Object.values(record(resource.grafana_folder_permission)).map(record)) {
    const namespace = text(record(folders[label(entry.folder_uid)]).title);
    for (const { team_id: team, permission } of records(entry.permissions)) {
      const level = GRAFANA_LEVELS[text(permission)] ?? 'admin';
      for (const group of texts(record(synced[label(team)]).groups))
        emit('group', byId.get(group) ?? group, { tool: 'grafana', namespace, level });
    }
  }
}

/** GitHub teams: members by handle, mapped back to people through the model's directory. */
function readGitHub(file: AccessFile, emit: Emit, model: Tenancy): void {
  const owner = file.path.split('/')[1] ?? '';
  const resource = resources(file);
  const repositories = record(resource.github_team_repository);
  for (const [team, value] of Object.entries(record(resource.github_team_members))) {
    const access = record(repositories[team]);
    const repository = `${owner}/${text(access.repository)}`;
    for (const { username, role } of records(record(value).members)) {
      const handle = text(username).toLowerCase();
      const person = model.users.find((u) => u.github?.toLowerCase() === handle);
      for (const permission of [text(access.permission), ...(role === 'maintainer' ? [role] : [])])
        emit('user', person?.name ?? `github:${handle}`, {
          tool: 'github',
          repository,
          permission: permission as 'pull',
        });
    }
  }
}

/** Keycloak: each user's groups, and the realm roles those groups and their parents carry. */
function readKeycloak(file: AccessFile, emit: Emit, names: ReadonlyMap<string, string>): void {
  for (const realm of documents(file)) {
    const composites = new Map(
      records(record(realm.roles).realm).map((r) => [
        text(r.name),
        texts(record(r.composites).realm),
      ]),
    );
    const closure = (role: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(role)) return seen;
      seen.add(role);
      for (const composite of composites.get(role) ?? []) closure(composite, seen);
      return seen;
    };
    const rolesAt = new Map<string, string[]>();
    const walk = (groups: Json[]): void => {
      for (const g of groups) {
        rolesAt.set(text(g.path), texts(g.realmRoles));
        walk(records(g.subGroups));
      }
    };
    walk(records(realm.groups));
    for (const entry of records(realm.users))
      for (const path of texts(entry.groups)) {
        const username = text(entry.username);
        emit('user', username, { tool: 'group', group: names.get(path) ?? path });
        // Keycloak sub-groups inherit their parents' role mappings.
        const segments = path.split('/').slice(1);
        const above = segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`);
        for (const role of above.flatMap((p) => rolesAt.get(p) ?? []))
          for (const contained of closure(role))
            emit('user', username, { tool: 'keycloak', realm: text(realm.realm), role: contained });
      }
  }
}

const NEXUS_USER_ID: Readonly<Record<string, string>> = {
  'edp.epam.com/v1alpha1': 'id',
  'v2.edp.epam.com/v1': 'userId',
};

/**
 * EKS access policy associations in `aws/terraform/<product>.tf.json`, per namespace. The
 * cluster-wide ones of `clusters.tf.json` are the cluster-admin roles' (seed 002's first
 * level, no product's); anywhere else a cluster-wide one reads as namespace `*`.
 */
function readEksAccess(file: AccessFile, emit: Emit): void {
  const product = /^aws\/terraform\/(.+)\.tf\.json$/.exec(file.path)?.[1] ?? '';
  const associations = record(resources(file).aws_eks_access_policy_association);
  for (const [name, value] of Object.entries(associations)) {
    const association = record(value);
    const cluster = text(association.cluster_name);
    const scope = record(association.access_scope);
    const namespaced = text(scope.type) === 'namespace';
    if (!namespaced && product === 'clusters') continue;
    for (const namespace of namespaced ? texts(scope.namespaces) : ['*'])
      emit('group', `eks-access:${name}`, { tool: 'eks', product, cluster, namespace });
  }
}

/** Gerrit group members by e-mail (people found through the directory) and Nexus users. */
function readEdpOperators(file: AccessFile, emit: Emit, model: Tenancy): void {
  const byEmail = (email: string): string =>
    model.users.find((u) => u.email?.toLowerCase() === email.toLowerCase())?.name ??
    `email:${email}`;
  for (const object of documents(file)) {
    const spec = record(object.spec);
    if (object.kind === 'GerritGroupMember')
      emit('user', byEmail(text(spec.accountId)), { tool: 'gerrit', group: text(spec.groupId) });
    if (object.kind === 'NexusUser') {
      // `id` in edp.epam.com/v1alpha1, `userId` in v2.edp.epam.com/v1: a field of the other
      // generation, which its CRD would not accept, reads as nobody's.
      const id = NEXUS_USER_ID[text(object.apiVersion)];
      const user = id === undefined ? '' : text(spec[id]);
      for (const role of texts(spec.roles))
        emit('user', user || `?nexus:${text(object.apiVersion)}`, { tool: 'nexus', role });
    }
  }
}

/** Every (subject → permission) the generated files give, read from their text. */
export function readFiles(files: readonly AccessFile[], model: Tenancy): Fact[] {
  const facts: Fact[] = [];
  const emitFor =
    (file: string): Emit =>
    (kind, name, permission) => {
      facts.push({ subject: { kind, name }, permission, file });
    };
  const idp = files.find((file) => file.path.startsWith('idp/groups.'));
  const groups = records(idp ? documents(idp)[0]?.groups : []);
  const names = new Map(groups.map((g) => [`/${texts(g.path).join('/')}`, text(g.name)]));
  for (const g of groups)
    for (const member of texts(g.members))
      emitFor(idp?.path ?? '')('user', member, { tool: 'group', group: text(g.name) });
  for (const file of files) {
    const [tool, second] = file.path.split('/');
    const emit = emitFor(file.path);
    if (file.path.endsWith('_provider.tf.json')) continue;
    if (file.path.includes('/aws-auth.') || second === 'namespaces')
      readRoleBindings(file, emit, model);
    else if (tool === 'kubernetes' && second === 'cd-pipeline')
      readRoleBindings(file, emit, model, file.path.split('/')[2] ?? '');
    else if (tool === 'argocd') readArgoCd(file, emit);
    else if (tool === 'grafana') readGrafana(file, emit, model);
    else if (tool === 'github') readGitHub(file, emit, model);
    else if (tool === 'keycloak') readKeycloak(file, emit, names);
    else if (tool === 'aws' && second === 'terraform') readEksAccess(file, emit);
    else if (tool === 'gerrit' || (tool === 'nexus' && file.path.endsWith('/users.yaml')))
      readEdpOperators(file, emit, model);
  }
  return facts;
}

/**
 * What people get through the groups that facts name: one person fact per member of each
 * group subject, members being those the model declares and those the outputs put there.
 */
export function throughGroups(facts: readonly Fact[], model: Tenancy): Fact[] {
  const members = new Map<string, Set<string>>();
  const add = (name: string, person: string): void => {
    members.set(name, (members.get(name) ?? new Set()).add(person));
  };
  for (const { groups } of model.organizations)
    for (const { name, members: declared } of groups) declared.forEach((p) => add(name, p));
  for (const { subject, permission } of facts)
    if (permission?.tool === 'group' && subject.kind === 'user')
      add(permission.group, subject.name);
  return facts.flatMap((fact) =>
    fact.subject.kind === 'group'
      ? [...(members.get(fact.subject.name) ?? [])].map((person) => ({
          ...fact,
          subject: { kind: 'user' as const, name: person },
          via: fact.subject.name,
        }))
      : [],
  );
}

function grantPermission(grant: Grant): Permission | undefined {
  const { tool, permission: said, level, namespace = '', product = '' } = grant;
  const [word = '', , target = ''] = said.split(' ');
  switch (tool) {
    case 'kubernetes': {
      const clusterRole = said.replace(/^ClusterRole /, '');
      return namespace === CD_PIPELINE_NAMESPACES
        ? { tool: 'cd-pipeline', product, clusterRole }
        : { tool, namespace, clusterRole };
    }
    case 'argocd':
      return said === 'role:admin'
        ? { tool, product: '*', level }
        : { tool, product, namespace: grant.namespace, level };
    case 'grafana':
      return { tool, namespace, level };
    case 'github': // `<permission> on <owner>/<repository>`
      return { tool, repository: target, permission: word as 'pull' };
    case 'gerrit':
      return { tool, group: said.replace(/^member of /, ''), product, level };
    case 'nexus':
      return { tool, role: said, product };
    case 'keycloak': // `realm role <role> (⊇ <composites>)`
      return { tool, realm: grant.realm ?? '', role: target };
    case 'sonarqube':
      return { tool, product, level };
    default:
      return undefined;
  }
}

/** The compiler's `grants` list in the same words as the files. */
export function readGrants(grants: readonly Grant[]): Fact[] {
  return grants.map((grant) => ({
    subject: grant.subject,
    permission: grantPermission(grant),
    file: grant.file,
    grant,
  }));
}
