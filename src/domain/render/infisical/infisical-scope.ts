import { compareText } from '../../access/serialize.js';
import { objectName } from '../../shared/object-name.js';
import { durationMs } from '../../shared/duration.js';
import type { RenderInput } from '../render-input.js';

/** Where the environments' secrets live in Infisical; `DEFAULT_INFISICAL_SETTINGS` when absent. */
export interface InfisicalSettings {
  /** The Infisical API as the operator calls it, e.g. `https://infisical.platform.example/api`. */
  readonly hostAPI: string;
  /** Slug of the platform's own project, which environments of a `shared` type use. */
  readonly sharedProject: string;
  /** The platform cluster's Flux source of the rendered bucket (deploy/crossplane/platform-sync.yaml). */
  readonly platformSource: {
    readonly kind: 'Bucket' | 'GitRepository' | 'OCIRepository';
    readonly name: string;
    readonly namespace: string;
  };
  /**
   * Secret (in the claims' namespace of the platform cluster) with the platform's own
   * Infisical credentials, `INFISICAL_UNIVERSAL_AUTH_CLIENT_ID` and `…_CLIENT_SECRET`: the
   * seed's platform token, given to the Terraform runner as environment variables.
   */
  readonly credentialsSecret: string;
}

export const DEFAULT_INFISICAL_SETTINGS: InfisicalSettings = Object.freeze({
  hostAPI: 'http://infisical.platform.svc:8080/api',
  sharedProject: 'platform-shared',
  platformSource: Object.freeze({
    kind: 'Bucket',
    name: 'rendered-environments',
    namespace: 'flux-system',
  }),
  credentialsSecret: 'infisical-platform-credentials',
});

/** The Flux Kustomization (environment cluster) that applies `environment/infisical/`. */
export const INFISICAL_KUSTOMIZATION = 'platform-secrets';
/** The ConfigMap (Flux namespace) the Terraform writes the identities' ids into. */
export const IDENTITIES_CONFIGMAP = 'infisical-identities';
/** The Kubernetes Secret the environment's Flux identity syncs `/<environment>` into. */
export const FLUX_SECRET_NAME = 'environment-secrets';

/** One machine identity: who logs in (a service account) and what it may read. */
export interface ScopedIdentity {
  /** `flux` for the environment's Flux, else `service`. */
  readonly role: 'flux' | 'service';
  /** The service's name; `flux-system` (never a service name) for the Flux identity. */
  readonly subject: string;
  /** Terraform resource name: `flux`, `service_<service with _ for ->`. */
  readonly key: string;
  /**
   * Identity name in Infisical and slug of its project role: readable, and unique across
   * environments sharing a project (`dev-a` + `b-c` and `dev-a-b` + `c` differ by a hash).
   */
  readonly name: string;
  readonly roleSlug: string;
  /** The Kubernetes service account the operator logs in with, and its namespace. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** Flux post-build variable (a key of `infisical-identities`) holding the identity's id. */
  readonly idVariable: string;
  /** The folder it reads: `/<environment>` or `/<environment>/<service>`, subfolders included. */
  readonly secretPath: string;
  /** The Kubernetes Secret the operator writes, and its namespace. */
  readonly managedSecret: { readonly name: string; readonly namespace: string };
}

/** What one environment gets in Infisical: its project, environment slug and identities. */
export interface InfisicalScope {
  readonly settings: InfisicalSettings;
  readonly environment: string;
  /** `dedicated`: a project of its own, slug `<environment>`; `shared`: the platform's. */
  readonly placement: 'shared' | 'dedicated';
  readonly projectSlug: string;
  /** The project environment: the environment type's name (`dev`, `sue`, `staging`, `prod`). */
  readonly envSlug: string;
  /** Access-token lifetimes of every identity, in seconds. */
  readonly accessTokenTtl: number;
  readonly accessTokenMaxTtl: number;
  /** The Flux identity first, then one per service, by name. */
  readonly identities: readonly ScopedIdentity[];
}

function variableName(subject: string): string {
  return `INFISICAL_IDENTITY_${subject.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * The Infisical scope of one render (seed: "Infisical Token Management"): a read-only
 * identity for the environment's Flux on `/<environment>` and one per service on
 * `/<environment>/<service>`, both in the project the type's `secrets.project` picks. Names
 * are derived from the environment and service names only, so equal input gives equal names
 * and an environment's identities never share a name with another environment's.
 */
export function infisicalScope(input: RenderInput, settings: InfisicalSettings): InfisicalScope {
  const { environment, environmentType } = input;
  const name = environment.name;
  const policy = environmentType.secrets;
  const flux: ScopedIdentity = {
    role: 'flux',
    subject: 'flux-system',
    key: 'flux',
    name: objectName([name, 'flux-system']),
    roleSlug: objectName([name, 'flux-system', 'read']),
    serviceAccount: { name: 'infisical-flux', namespace: input.settings.fluxNamespace },
    idVariable: variableName('flux-system'),
    secretPath: `/${name}`,
    managedSecret: { name: FLUX_SECRET_NAME, namespace: input.settings.fluxNamespace },
  };
  const services = [...input.services]
    .map((service) => service.name)
    .sort(compareText)
    .map((service): ScopedIdentity => ({
      role: 'service',
      subject: service,
      key: `service_${service.replaceAll('-', '_')}`,
      name: objectName([name, service]),
      roleSlug: objectName([name, service, 'read']),
      serviceAccount: { name: `${service}-infisical`, namespace: name },
      idVariable: variableName(service),
      secretPath: `/${name}/${service}`,
      managedSecret: { name: `${service}-secrets`, namespace: name },
    }));
  return {
    settings,
    environment: name,
    placement: policy.project,
    projectSlug: policy.project === 'dedicated' ? name : settings.sharedProject,
    envSlug: environment.type,
    accessTokenTtl: durationMs(policy.accessTokenTTL) / 1_000,
    accessTokenMaxTtl: durationMs(policy.accessTokenMaxTTL) / 1_000,
    identities: [flux, ...services],
  };
}
