import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError, UnavailableError } from '../../domain/errors.js';
import type { ArtifactRegistry } from '../../ports/artifact-registry.js';
import { parseNextLink } from './link.js';
import { assertRepository, assertTag, isSha256Digest } from './reference.js';
import { createAuthorizedSend, type RegistryCredentials } from './registry-auth.js';
import { createSend, type RegistryResponse } from './registry-http.js';
import { createTtlCache } from './ttl-cache.js';

export interface OciRegistryOptions {
  /** `http(s)://host[:port]`, optionally with a base path; no credentials in it. */
  readonly url: string;
  /** Basic credentials, for a `Basic` challenge or for the token endpoint of a `Bearer` one. */
  readonly credentials?: RegistryCredentials | undefined;
  /** A static bearer token sent with every request (e.g. an Artifactory access token). */
  readonly token?: string | undefined;
  /** Per attempt, the response body included; default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** Further attempts for network errors, timeouts, 429 and 5xx; default 2. */
  readonly retries?: number | undefined;
  /** The first retry's backoff, doubled for each further one; default 100. */
  readonly retryDelayMs?: number | undefined;
  /** How long tag lists and found digests are kept; default 30 000, 0 keeps nothing. */
  readonly cacheTtlMs?: number | undefined;
  /** The `n` asked for per tags page; default 1 000. */
  readonly pageSize?: number | undefined;
  /** A tags list needing more pages than this is refused (a looping `Link`); default 1 000. */
  readonly maxPages?: number | undefined;
  readonly fetchImpl?: typeof fetch | undefined;
  /** Milliseconds since the epoch; drives cache and token expiry. */
  readonly now?: (() => number) | undefined;
  readonly logger?: Logger | undefined;
}

/** What a manifest HEAD/GET accepts: Docker v2 and OCI, single-platform and multi-platform. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

const tagsListSchema = z.looseObject({
  // distribution answers `"tags": null` for a repository whose tags were all deleted.
  tags: z.array(z.string()).nullish(),
});

/**
 * An `ArtifactRegistry` over the OCI distribution API (`/v2/…`): tags from
 * `GET /v2/<name>/tags/list?n=` following `Link: <…>; rel="next"` (same origin only, since
 * requests carry credentials), digests from `HEAD /v2/<name>/manifests/<tag>`'s
 * `Docker-Content-Digest` or else the SHA-256 of the manifest `GET` returns. Anonymous,
 * Basic and Bearer (challenge or static) auth; timeouts and retries as in `createSend`.
 * Tag lists and found digests are cached for `cacheTtlMs` with concurrent lookups sharing
 * one request; a missing tag and any failure are not cached, so a tag pushed just after a
 * miss is seen at once. A repository or tag outside the distribution grammar is an
 * `InputError` before any request. Throws `TypeError` for an unusable `url` or option.
 */
export function createOciRegistry(options: OciRegistryOptions): ArtifactRegistry {
  const base = parseBaseUrl(options.url);
  const registry = base.href.replace(/\/$/, '');
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? 10_000);
  const retries = integer('retries', options.retries ?? 2);
  const cacheTtlMs = nonNegative('cacheTtlMs', options.cacheTtlMs ?? 30_000);
  const pageSize = positive('pageSize', integer('pageSize', options.pageSize ?? 1_000));
  const maxPages = positive('maxPages', integer('maxPages', options.maxPages ?? 1_000));
  const now = options.now ?? Date.now;
  const send = createSend({
    registry,
    fetchImpl: options.fetchImpl ?? fetch,
    timeoutMs,
    retries,
    retryDelayMs: nonNegative('retryDelayMs', options.retryDelayMs ?? 100),
    logger: options.logger,
  });
  const authorizedSend = createAuthorizedSend({
    registry,
    send,
    now,
    credentials: options.credentials,
    token: options.token,
    logger: options.logger,
  });
  const tagsCache = createTtlCache<readonly string[]>({ ttlMs: cacheTtlMs, now });
  const digestCache = createTtlCache<string | undefined>({ ttlMs: cacheTtlMs, now });

  const request = (repository: string, url: string, method: 'GET' | 'HEAD', accept: string) =>
    authorizedSend({
      url,
      method,
      headers: { accept },
      subject: `repository ${repository}`,
      scope: `repository:${repository}:pull`,
    });

  const unexpected = (repository: string, what: string, response: RegistryResponse) =>
    new UnavailableError(
      `registry ${registry} answered HTTP ${response.status} to ${what} of repository ${repository}`,
    );

  async function fetchTags(repository: string): Promise<readonly string[]> {
    const tags = new Set<string>();
    let url = `${registry}/v2/${repository}/tags/list?n=${pageSize}`;
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      seen.add(url);
      const response = await request(repository, url, 'GET', 'application/json');
      // distribution answers NAME_UNKNOWN; any 404 here means the same to a caller.
      if (response.status === 404) {
        throw new NotFoundError(`repository ${repository} not found in registry ${registry}`);
      }
      if (response.status !== 200) throw unexpected(repository, 'the tags list', response);
      for (const tag of parseTagsList(response.body, repository)) tags.add(tag);
      const next = parseNextLink(response.headers.get('link'), url);
      if (next === undefined) break;
      if (new URL(next).origin !== base.origin) {
        throw new UnavailableError(
          `registry ${registry} sent a tags page link to another origin for repository ${repository}`,
        );
      }
      if (seen.has(next) || page >= maxPages) {
        throw new UnavailableError(
          `registry ${registry} sent tags pages without end for repository ${repository}`,
        );
      }
      url = next;
    }
    return Object.freeze([...tags].sort());
  }

  function parseTagsList(body: Uint8Array, repository: string): string[] {
    try {
      const parsed = tagsListSchema.parse(JSON.parse(Buffer.from(body).toString('utf8')));
      return parsed.tags ?? [];
    } catch {
      throw new UnavailableError(
        `registry ${registry} sent an invalid tags list for repository ${repository}`,
      );
    }
  }

  async function fetchDigest(repository: string, tag: string): Promise<string | undefined> {
    const url = `${registry}/v2/${repository}/manifests/${tag}`;
    const accept = MANIFEST_MEDIA_TYPES.join(', ');
    const head = await request(repository, url, 'HEAD', accept);
    if (head.status === 404) return undefined;
    if (head.status !== 200) throw unexpected(repository, `HEAD of tag ${tag}`, head);
    const header = head.headers.get('docker-content-digest')?.trim();
    if (header !== undefined && isSha256Digest(header)) return header;

    // No usable header (it is optional in the OCI spec): the digest is that of the bytes.
    const get = await request(repository, url, 'GET', accept);
    if (get.status === 404) return undefined;
    if (get.status !== 200) throw unexpected(repository, `GET of tag ${tag}`, get);
    return `sha256:${createHash('sha256').update(get.body).digest('hex')}`;
  }

  const resolveDigest = async (repository: string, tag: string): Promise<string | undefined> => {
    assertRepository(repository);
    // A digest is a valid manifest reference too (a pinned one: it exists or it does not).
    if (!isSha256Digest(tag)) assertTag(tag);
    return digestCache.get(
      `${repository}:${tag}`,
      () => fetchDigest(repository, tag),
      (digest) => digest !== undefined,
    );
  };

  return {
    host: base.host,
    async listTags(repository) {
      assertRepository(repository);
      return [...(await tagsCache.get(repository, () => fetchTags(repository)))];
    },
    resolveDigest,
    async exists(repository, tag) {
      return (await resolveDigest(repository, tag)) !== undefined;
    },
  };
}

function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`OCI registry url is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`OCI registry url must be http(s): ${parsed.protocol}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Kept out of the URL so it never reaches an error message or a log line.
    throw new TypeError('OCI registry url must not carry credentials; pass `credentials`');
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new TypeError('OCI registry url must have no query or fragment');
  }
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be positive`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must not be negative`);
  return value;
}

function integer(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a whole number`);
  }
  return value;
}
