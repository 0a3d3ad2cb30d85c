import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UnavailableError } from '../../domain/errors.js';
import type { ManifestFacts, RegistryMaintenance } from '../../ports/registry-maintenance.js';
import { parseNextLink } from './link.js';
import { MANIFEST_MEDIA_TYPES, type OciRegistryOptions } from './oci-registry.js';
import { assertRepository, assertTag, isSha256Digest } from './reference.js';
import { createAuthorizedSend } from './registry-auth.js';
import { createSend, type RegistryResponse } from './registry-http.js';

/** The connection settings of the resolver's client; a longer page limit (catalogs are long). */
export interface RegistryMaintenanceOptions extends Pick<
  OciRegistryOptions,
  | 'url'
  | 'credentials'
  | 'token'
  | 'timeoutMs'
  | 'retries'
  | 'pageSize'
  | 'fetchImpl'
  | 'now'
  | 'logger'
> {
  /** A listing needing more pages than this is refused (a looping `Link`); default 10 000. */
  readonly maxPages?: number | undefined;
}

const catalogSchema = z.looseObject({ repositories: z.array(z.string()).nullish() });
const tagsSchema = z.looseObject({ tags: z.array(z.string()).nullish() });
const manifestSchema = z.looseObject({
  mediaType: z.string().optional(),
  config: z.looseObject({ digest: z.string() }).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const configSchema = z.looseObject({ created: z.string().optional() });

/**
 * `RegistryMaintenance` over the OCI distribution API, with the same auth, timeouts and
 * retries as `createOciRegistry`: the catalog and tag lists follow `Link: <…>; rel="next"`
 * (same origin only) and, for registries that page without `Link`, `last=` while pages
 * come back full; tokens are asked for `registry:catalog:*`, `repository:<name>:pull` and
 * `repository:<name>:delete`. Nothing is cached: the sweeper runs rarely and must see
 * deletions at once.
 */
export function createRegistryMaintenance(
  options: RegistryMaintenanceOptions,
): RegistryMaintenance {
  const base = new URL(options.url);
  if (base.username !== '' || base.password !== '') {
    throw new TypeError('OCI registry url must not carry credentials; pass `credentials`');
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const registry = base.href.replace(/\/$/, '');
  const pageSize = options.pageSize ?? 1_000;
  const maxPages = options.maxPages ?? 10_000;
  const send = createSend({
    registry,
    fetchImpl: options.fetchImpl ?? fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    retryDelayMs: 100,
    logger: options.logger,
  });
  const authorized = createAuthorizedSend({
    registry,
    send,
    now: options.now ?? Date.now,
    credentials: options.credentials,
    token: options.token,
    logger: options.logger,
  });
  const url = (path: string) => new URL(path, base).href;
  const unexpected = (what: string, response: RegistryResponse) =>
    new UnavailableError(`registry ${registry} answered HTTP ${response.status} to ${what}`);
  const json = <T>(schema: z.ZodType<T>, response: RegistryResponse, what: string): T => {
    try {
      return schema.parse(JSON.parse(Buffer.from(response.body).toString('utf8')));
    } catch {
      throw new UnavailableError(`registry ${registry} sent an invalid ${what}`);
    }
  };

  /** Every page of a listing; `read` returns a page's names. */
  async function paged(
    first: string,
    scope: string,
    subject: string,
    read: (response: RegistryResponse) => string[] | undefined,
  ): Promise<string[]> {
    const names = new Set<string>();
    const seen = new Set<string>();
    let next: string | undefined = first;
    for (let page = 1; next !== undefined; page++) {
      if (seen.has(next) || page > maxPages) {
        throw new UnavailableError(`registry ${registry} sent pages without end for ${subject}`);
      }
      seen.add(next);
      const response = await authorized({ url: next, scope, subject });
      const items = read(response);
      if (items === undefined) break;
      const before = names.size;
      for (const item of items) names.add(item);
      const link = parseNextLink(response.headers.get('link'), next);
      if (link !== undefined && new URL(link).origin !== base.origin) {
        throw new UnavailableError(`registry ${registry} sent a page link to another origin`);
      }
      const last = items.at(-1);
      // Without `Link`, a full page may have more after it (distribution's `last`); a
      // registry that ignores `last` sends the same page again, which brings nothing new.
      next =
        link ??
        (items.length >= pageSize && names.size > before && last !== undefined
          ? withLast(first, last)
          : undefined);
    }
    return [...names];
  }

  const withLast = (first: string, last: string): string => {
    const next = new URL(first);
    next.searchParams.set('last', last);
    return next.href;
  };

  return {
    listRepositories: () =>
      paged(url(`v2/_catalog?n=${pageSize}`), 'registry:catalog:*', 'the catalog', (response) => {
        if (response.status !== 200) throw unexpected('the catalog', response);
        return json(catalogSchema, response, 'catalog').repositories ?? [];
      }),

    listTags(repository) {
      assertRepository(repository);
      const subject = `repository ${repository}`;
      return paged(
        url(`v2/${repository}/tags/list?n=${pageSize}`),
        `repository:${repository}:pull`,
        subject,
        (response) => {
          if (response.status === 404) return undefined;
          if (response.status !== 200) throw unexpected(`the tags list of ${subject}`, response);
          return json(tagsSchema, response, `tags list of ${subject}`).tags ?? [];
        },
      );
    },

    async manifest(repository, tag): Promise<ManifestFacts | undefined> {
      assertRepository(repository);
      assertTag(tag);
      const response = await authorized({
        url: url(`v2/${repository}/manifests/${tag}`),
        headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        scope: `repository:${repository}:pull`,
        subject: `repository ${repository}`,
      });
      if (response.status === 404) return undefined;
      if (response.status !== 200) {
        throw unexpected(`the manifest ${tag} of repository ${repository}`, response);
      }
      const parsed = json(manifestSchema, response, `manifest ${repository}:${tag}`);
      // The digest of the bytes served is the one DELETE needs, whatever the header says.
      const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
      const mediaType =
        parsed.mediaType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
      return {
        digest,
        mediaType,
        annotations: parsed.annotations ?? {},
        ...(parsed.config !== undefined && isSha256Digest(parsed.config.digest)
          ? { configDigest: parsed.config.digest }
          : {}),
      };
    },

    async configCreated(repository, configDigest) {
      assertRepository(repository);
      if (!isSha256Digest(configDigest)) throw new TypeError(`not a digest: ${configDigest}`);
      const response = await authorized({
        url: url(`v2/${repository}/blobs/${configDigest}`),
        scope: `repository:${repository}:pull`,
        subject: `repository ${repository}`,
      });
      if (response.status === 404) return undefined;
      if (response.status !== 200) {
        throw unexpected(`the config ${configDigest} of repository ${repository}`, response);
      }
      try {
        return configSchema.parse(JSON.parse(Buffer.from(response.body).toString('utf8'))).created;
      } catch {
        return undefined; // not a JSON config (an artifact's): nothing dates it
      }
    },

    async deleteManifest(repository, digest) {
      assertRepository(repository);
      if (!isSha256Digest(digest)) throw new TypeError(`not a digest: ${digest}`);
      const response = await authorized({
        url: url(`v2/${repository}/manifests/${digest}`),
        method: 'DELETE',
        scope: `repository:${repository}:delete`,
        subject: `repository ${repository}`,
      });
      if (response.status === 202 || response.status === 200 || response.status === 404) return;
      if (response.status === 405) {
        throw new UnavailableError(
          `registry ${registry} does not allow deleting manifests (HTTP 405): enable deletes (distribution: storage.delete.enabled)`,
        );
      }
      throw unexpected(`the deletion of ${repository}@${digest}`, response);
    },
  };
}
