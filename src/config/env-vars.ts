/**
 * Every environment variable the platform reads, in one place. Each overrides the config
 * file; a command-line flag overrides both.
 */
export const ENV_VARS = {
  config: 'PLATFORM_CONFIG',
  port: 'PLATFORM_PORT',
  host: 'PLATFORM_HOST',
  dataDir: 'PLATFORM_DATA_DIR',
  logLevel: 'PLATFORM_LOG_LEVEL',
  tenancy: 'PLATFORM_TENANCY',
  /** Secrets for the OCI registry: a password (with deploy.registry.username) or a bearer token. */
  registryPassword: 'PLATFORM_REGISTRY_PASSWORD',
  registryToken: 'PLATFORM_REGISTRY_TOKEN',
  /**
   * Secret: the shared secret storage servers send with bucket event notifications
   * (`POST /api/v1/bucket-events`). Unset: that endpoint answers 404.
   */
  bucketEventsToken: 'PLATFORM_BUCKET_EVENTS_TOKEN',
  /**
   * Secret: the PostgreSQL password when `index.type` is `postgres` and the URL holds none
   * (libpq's variable, read by the pg driver itself; listed here so it is documented).
   */
  databasePassword: 'PGPASSWORD',
  /** Client commands (`platformctl env …`, `platform-deploy`): the server's URL… */
  server: 'PLATFORM_SERVER',
  /** …under its older name, still read after PLATFORM_SERVER. */
  url: 'PLATFORM_URL',
  /** The caller's bearer token; without it, the cached `platformctl login`. */
  token: 'PLATFORM_TOKEN',
  /** `platform-deploy --local`: the registry to push to, and its user. */
  registryUrl: 'PLATFORM_REGISTRY_URL',
  registryUsername: 'PLATFORM_REGISTRY_USERNAME',
} as const;
