import { createHash } from 'node:crypto';
import { UnavailableError } from '../../../domain/errors.js';
import { createAuthorizedSend, type AuthorizedSend } from '../registry-auth.js';
import { createSend, type RegistryResponse } from '../registry-http.js';

/** How to authenticate a push: Basic credentials (also for a token realm) or a static token. */
export type PushAuth =
  { readonly username: string; readonly password: string } | { readonly token: string };

export interface PushClientOptions {
  /** `http(s)://host[:port]`, optionally with a base path; no credentials in it. */
  readonly registryUrl: string;
  readonly auth?: PushAuth | undefined;
  readonly fetchImpl?: typeof fetch | undefined;
  /** Per attempt, the upload included; default 15 minutes (a layer may be large). */
  readonly timeoutMs?: number | undefined;
  /** Further attempts for network errors, timeouts, 429 and 5xx; default 2. */
  readonly retries?: number | undefined;
}

/** The registry calls a push makes, each authorized for `pull,push` on its repository. */
export interface PushClient {
  readonly registry: string;
  hasBlob(repository: string, digest: string): Promise<boolean>;
  /** Monolithic upload (`POST` then `PUT ?digest=`); `open` is called per attempt. */
  uploadBlob(
    repository: string,
    blob: { digest: string; size: number; open: () => ReadableStream<Uint8Array> | Uint8Array },
  ): Promise<void>;
  /** Puts a manifest under `reference` (tag or digest); resolves to its digest. */
  putManifest(
    repository: string,
    reference: string,
    manifest: { mediaType: string; bytes: Uint8Array },
  ): Promise<string>;
  /** A plain GET (manifest or blob) as the registry answers it; for checks and tests. */
  get(path: string, accept?: string): Promise<RegistryResponse>;
}

/**
 * A client for pushing through the OCI distribution API ("Pushing blobs", "Pushing
 * manifests"), authenticating with the adapter's challenge handling (`registry-auth.ts`).
 * Upload URLs from `Location` are followed only on the registry's own origin, since they
 * are sent credentials. Unexpected statuses are `UnavailableError` naming the registry,
 * the repository and the status, never a header.
 */
export function createPushClient(options: PushClientOptions): PushClient {
  const base = new URL(options.registryUrl);
  if (base.username !== '' || base.password !== '') {
    throw new TypeError('registry url must not carry credentials; pass `auth`');
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const registry = base.href.replace(/\/$/, '');
  const send = createSend({
    registry,
    fetchImpl: options.fetchImpl ?? fetch,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    retries: options.retries ?? 2,
    retryDelayMs: 200,
  });
  const { auth } = options;
  const authorized: AuthorizedSend = createAuthorizedSend({
    registry,
    send,
    now: Date.now,
    ...(auth !== undefined && 'username' in auth ? { credentials: auth } : {}),
    ...(auth !== undefined && 'token' in auth ? { token: auth.token } : {}),
  });
  const url = (path: string) => new URL(path.replace(/^\//, ''), base).href;
  const call = (
    repository: string,
    request: Omit<Parameters<AuthorizedSend>[0], 'scope' | 'subject'>,
  ) =>
    authorized({
      ...request,
      subject: `repository ${repository}`,
      scope: `repository:${repository}:pull,push`,
    });
  const failed = (repository: string, what: string, response: RegistryResponse) => {
    const detail = errorCode(response.body);
    return new UnavailableError(
      `registry ${registry} answered HTTP ${response.status}${detail} to ${what} in repository ${repository}`,
    );
  };

  return {
    registry,
    async hasBlob(repository, digest) {
      const response = await call(repository, {
        url: url(`v2/${repository}/blobs/${digest}`),
        method: 'HEAD',
      });
      if (response.status === 200) return true;
      if (response.status === 404) return false;
      throw failed(repository, `HEAD of blob ${digest}`, response);
    },
    async uploadBlob(repository, blob) {
      const started = await call(repository, {
        url: url(`v2/${repository}/blobs/uploads/`),
        method: 'POST',
      });
      if (started.status !== 202) throw failed(repository, 'a blob upload start', started);
      const location = started.headers.get('location');
      const target = location === null ? undefined : new URL(location, base);
      if (target === undefined || target.origin !== base.origin) {
        throw new UnavailableError(
          `registry ${registry} gave no upload location on its own origin for repository ${repository}`,
        );
      }
      target.searchParams.set('digest', blob.digest);
      const put = await call(repository, {
        url: target.href,
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(blob.size),
        },
        body: blob.open,
      });
      if (put.status !== 201) throw failed(repository, `the upload of blob ${blob.digest}`, put);
    },
    async putManifest(repository, reference, manifest) {
      const digest = `sha256:${createHash('sha256').update(manifest.bytes).digest('hex')}`;
      const response = await call(repository, {
        url: url(`v2/${repository}/manifests/${reference}`),
        method: 'PUT',
        headers: { 'content-type': manifest.mediaType },
        body: () => manifest.bytes,
      });
      if (response.status !== 201)
        throw failed(repository, `the manifest PUT of ${reference}`, response);
      const reported = response.headers.get('docker-content-digest');
      if (reported !== null && reported !== digest) {
        throw new UnavailableError(
          `registry ${registry} stored manifest ${reference} of repository ${repository} as ${reported}, not ${digest}`,
        );
      }
      return digest;
    },
    get(path, accept) {
      const repository = /^\/?v2\/(.+)\/(?:manifests|blobs)\//.exec(path)?.[1] ?? '';
      return call(repository, {
        url: url(path),
        method: 'GET',
        ...(accept === undefined ? {} : { headers: { accept } }),
      });
    },
  };
}

/** The first `errors[].code` of a distribution error body (`BLOB_UNKNOWN`), for the message. */
function errorCode(body: Uint8Array): string {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as {
      errors?: { code?: unknown }[];
    };
    const code = parsed.errors?.[0]?.code;
    return typeof code === 'string' ? ` (${code})` : '';
  } catch {
    return '';
  }
}
