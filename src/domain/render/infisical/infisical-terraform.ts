import {
  IDENTITIES_CONFIGMAP,
  type InfisicalScope,
  type ScopedIdentity,
} from './infisical-scope.js';

/** The Terraform file of an environment's Infisical identities, outside what any Flux applies. */
export const INFISICAL_TERRAFORM_PATH = 'infisical/main.tf.json';

/** Read-only on secrets and folders: what the operator needs to list and sync a path. */
const READ_ACTIONS: readonly { subject: string; action: readonly string[] }[] = [
  { subject: 'secrets', action: ['describeSecret', 'readValue'] },
  { subject: 'secret-folders', action: ['read'] },
];

type Json = Record<string, unknown>;

// The environment cluster, from its kubeconfig (the claim's connection secret): Vultr's
// authenticates with a client certificate, others with a token; `try` takes either.
const CA_CERTIFICATE = '${base64decode(local.cluster["certificate-authority-data"])}';
const LOCALS = {
  cluster: '${yamldecode(var.kubeconfig).clusters[0].cluster}',
  user: '${yamldecode(var.kubeconfig).users[0].user}',
};
const KUBERNETES_PROVIDER = {
  host: '${local.cluster.server}',
  cluster_ca_certificate: CA_CERTIFICATE,
  client_certificate: '${try(base64decode(local.user["client-certificate-data"]), null)}',
  client_key: '${try(base64decode(local.user["client-key-data"]), null)}',
  token: '${try(local.user.token, null)}',
};

function projectId(scope: InfisicalScope): string {
  return scope.placement === 'dedicated'
    ? '${infisical_project.environment.id}'
    : '${data.infisical_projects.shared.id}';
}

/**
 * The folder itself and everything below it: Infisical matches `secretPath` with globs, and
 * `/<path>/**` alone does not promise to match `/<path>`.
 */
function readPermissions(scope: InfisicalScope, identity: ScopedIdentity): Json[] {
  const paths = [{ $eq: identity.secretPath }, { $glob: `${identity.secretPath}/**` }];
  return READ_ACTIONS.flatMap(({ subject, action }) =>
    paths.map((secretPath) => ({
      subject,
      action: [...action],
      conditions: JSON.stringify({ environment: { $eq: scope.envSlug }, secretPath }),
    })),
  );
}

function identityResources(scope: InfisicalScope, identity: ScopedIdentity, labels: Json) {
  const { key } = identity;
  const folder =
    identity.role === 'flux'
      ? { name: identity.secretPath.slice(1), folder_path: '/' }
      : {
          name: identity.subject,
          folder_path: identity.secretPath.slice(0, identity.secretPath.lastIndexOf('/')),
        };
  return {
    folder: {
      ...folder,
      environment_slug: scope.envSlug,
      project_id: projectId(scope),
      ...(identity.role === 'service'
        ? { depends_on: ['infisical_project_secret_folder.flux'] }
        : scope.placement === 'dedicated'
          ? { depends_on: ['infisical_project_environment.environment'] }
          : {}),
    },
    identity: {
      name: identity.name,
      org_id: '${data.infisical_projects.shared.org_id}',
      // No organization rights: what it may do comes from its project role alone.
      role: 'no-access',
      metadata: Object.entries(labels).map(([k, value]) => ({ key: k, value })),
    },
    auth: {
      identity_id: `\${infisical_identity.${key}.id}`,
      kubernetes_host: '${local.cluster.server}',
      kubernetes_ca_certificate: CA_CERTIFICATE,
      // Without a reviewer JWT Infisical reviews the login token with itself: no long-lived
      // token is stored, the service account holds system:auth-delegator instead.
      token_reviewer_mode: 'api',
      allowed_namespaces: [identity.serviceAccount.namespace],
      allowed_service_account_names: [identity.serviceAccount.name],
      access_token_ttl: scope.accessTokenTtl,
      access_token_max_ttl: scope.accessTokenMaxTtl,
    },
    role: {
      slug: identity.roleSlug,
      name: `${identity.name} read`,
      description: `Read ${identity.secretPath} in ${scope.envSlug}`,
      project_id: projectId(scope),
      permissions_v2: readPermissions(scope, identity),
    },
    membership: {
      project_id: projectId(scope),
      identity_id: `\${infisical_identity.${key}.id}`,
      roles: [{ role_slug: `\${infisical_project_role.${key}.slug}` }],
    },
  };
}

/**
 * The environment's Infisical state as Terraform JSON, applied on the platform side with
 * the platform's own Infisical credentials (the seed's "Platform Flux Token": the provider
 * reads them from `INFISICAL_UNIVERSAL_AUTH_CLIENT_ID`/`_SECRET`, never from this file).
 * Per identity of the scope: an organization identity without organization rights,
 * Kubernetes auth bound to one service account of the environment's cluster, a read-only
 * project role on its folder and its project membership, and the folder. A dedicated type
 * gets its project (with one environment, the type's); a shared type uses the platform's
 * project by slug. The identities' ids go into the `infisical-identities` ConfigMap on the
 * environment's cluster, for the `InfisicalSecret`s. The file holds no secret: the cluster's
 * kubeconfig is the `kubeconfig` variable the applier passes (`infisical-applier.ts`).
 * Destroying this state (the environment is deleted) removes every identity it created.
 */
export function infisicalTerraform(
  scope: InfisicalScope,
  header: string,
  labels: Readonly<Record<string, string>>,
  fluxNamespace: string,
): Json {
  const environmentName = scope.environment;
  const resources: Record<string, Record<string, Json>> = {};
  const add = (type: string, name: string, body: Json): void => {
    (resources[type] ??= {})[name] = body;
  };
  if (scope.placement === 'dedicated') {
    add('infisical_project', 'environment', {
      name: environmentName,
      slug: scope.projectSlug,
      type: 'secret-manager',
      description: `Secrets of environment ${environmentName}`,
      should_create_default_envs: false,
    });
    add('infisical_project_environment', 'environment', {
      name: scope.envSlug,
      slug: scope.envSlug,
      project_id: projectId(scope),
    });
  }
  for (const identity of scope.identities) {
    const metadata = {
      environment: environmentName,
      ...(identity.role === 'service' ? { service: identity.subject } : {}),
    };
    const parts = identityResources(scope, identity, metadata);
    add('infisical_project_secret_folder', identity.key, parts.folder);
    add('infisical_identity', identity.key, parts.identity);
    add('infisical_identity_kubernetes_auth', identity.key, parts.auth);
    add('infisical_project_role', identity.key, parts.role);
    add('infisical_project_identity', identity.key, parts.membership);
  }
  add('kubernetes_config_map_v1', 'identities', {
    metadata: [{ name: IDENTITIES_CONFIGMAP, namespace: fluxNamespace, labels: { ...labels } }],
    data: Object.fromEntries(
      scope.identities.map((identity) => [
        identity.idVariable,
        `\${infisical_identity.${identity.key}.id}`,
      ]),
    ),
  });
  return {
    '//': header.replace(/^# /, '').trimEnd(),
    terraform: {
      required_providers: {
        infisical: { source: 'infisical/infisical', version: '>= 0.19.0' },
        kubernetes: { source: 'hashicorp/kubernetes', version: '>= 3.0.0' },
      },
    },
    variable: {
      kubeconfig: {
        type: 'string',
        description: `kubeconfig of environment ${environmentName}'s cluster`,
        sensitive: true,
      },
    },
    locals: LOCALS,
    provider: {
      infisical: { host: scope.settings.hostAPI.replace(/\/api\/?$/, '') },
      kubernetes: KUBERNETES_PROVIDER,
    },
    data: { infisical_projects: { shared: { slug: scope.settings.sharedProject } } },
    resource: resources,
    output: Object.fromEntries(
      scope.identities.map((identity) => [
        `${identity.key}_identity_id`,
        { value: `\${infisical_identity.${identity.key}.id}` },
      ]),
    ),
  };
}
