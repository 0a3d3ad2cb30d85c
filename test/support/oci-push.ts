import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseChallenges } from '../../src/adapters/oci-registry/challenge.js';

export type PushAuth =
  { readonly username: string; readonly password: string } | { readonly token: string };

export interface PushOptions {
  /** `image` (default): an OCI image; `artifact`: the seed's `<service>-ansible` files. */
  readonly kind?: 'image' | 'artifact';
  /** Goes into the files, so different content gives a different digest; `repo:tag` by default. */
  readonly content?: string;
  readonly auth?: PushAuth;
}

export interface PushedArtifact {
  /** `sha256:` of the exact manifest bytes, as the registry reports it. */
  readonly digest: string;
  readonly manifest: string;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const ANSIBLE_ARTIFACT_TYPE = 'application/vnd.platform.ansible.v1';
export const ANSIBLE_CONFIG_TYPE = 'application/vnd.platform.ansible.config.v1+json';
export const ANSIBLE_FILES_TYPE = 'application/vnd.platform.ansible.files.v1.tar+gzip';

/**
 * Pushes `repository:tag` through the registry HTTP API alone (no Docker engine): each blob
 * by `POST /v2/<name>/blobs/uploads/` then `PUT <location>&digest=`, then the manifest by
 * `PUT /v2/<name>/manifests/<tag>`. An image is an OCI image manifest with an image config
 * and one gzipped tar layer; an artifact is an OCI manifest with `artifactType` and a config
 * of its own media type (so registries without OCI 1.1 still tell it apart), whose layer
 * holds the service's Ansible deployment files. Answers `Basic` and `Bearer` challenges.
 */
export async function pushArtifact(
  url: string,
  repository: string,
  tag: string,
  options: PushOptions = {},
): Promise<PushedArtifact> {
  const kind = options.kind ?? 'image';
  const content = options.content ?? `${repository}:${tag}`;
  const client = pushClient(url, options.auth);
  const service = repository
    .split('/')
    .pop()!
    .replace(/-ansible$/, '');

  const files =
    kind === 'image'
      ? { 'app/VERSION': `${tag}\n`, 'app/CONTENT': `${content}\n` }
      : ansibleFiles(service, tag, content);
  const tar = tarArchive(files);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify(
      kind === 'image'
        ? {
            architecture: 'amd64',
            os: 'linux',
            config: { Labels: { 'org.opencontainers.image.version': tag } },
            rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
          }
        : { service, version: tag },
    ),
  );
  await uploadBlob(client, repository, config);
  await uploadBlob(client, repository, layer);

  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(kind === 'artifact' ? { artifactType: ANSIBLE_ARTIFACT_TYPE } : {}),
    config: {
      mediaType:
        kind === 'image' ? 'application/vnd.oci.image.config.v1+json' : ANSIBLE_CONFIG_TYPE,
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      {
        mediaType:
          kind === 'image' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : ANSIBLE_FILES_TYPE,
        digest: sha256(layer),
        size: layer.length,
        annotations: { 'org.opencontainers.image.title': `${service}-${kind}.tar.gz` },
      },
    ],
    annotations: { 'org.opencontainers.image.version': tag },
  });
  const digest = sha256(Buffer.from(manifest));
  const response = await client(repository, 'PUT', `/v2/${repository}/manifests/${tag}`, {
    headers: { 'content-type': OCI_MANIFEST },
    body: Buffer.from(manifest),
  });
  await expectStatus(response, 201, `manifest PUT of ${repository}:${tag}`);
  const reported = response.headers.get('docker-content-digest');
  if (reported !== null && reported !== digest) {
    throw new Error(`registry reports digest ${reported} for a manifest whose digest is ${digest}`);
  }
  return { digest, manifest };
}

/** The deployment files of the seed's `<service>-ansible` artifact. */
function ansibleFiles(service: string, tag: string, content: string): Record<string, string> {
  return {
    'playbook.yml': `- hosts: all\n  roles:\n    - ${service}\n`,
    [`roles/${service}/tasks/main.yml`]: `- name: deploy ${service}\n  ansible.builtin.debug:\n    msg: "${service} ${tag}"\n`,
    'vars/main.yml': `service: ${service}\nversion: ${tag}\ncontent: ${JSON.stringify(content)}\n`,
  };
}

type Client = (
  repository: string,
  method: 'POST' | 'PUT' | 'GET',
  pathOrUrl: string,
  init?: { headers?: Record<string, string>; body?: Buffer },
) => Promise<Response>;

/** Sends requests, answering one `Basic` or `Bearer` challenge and reusing the answer. */
function pushClient(base: string, auth: PushAuth | undefined): Client {
  let authorization = auth !== undefined && 'token' in auth ? `Bearer ${auth.token}` : undefined;
  const basic =
    auth !== undefined && 'username' in auth
      ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
      : undefined;

  return async (repository, method, pathOrUrl, init = {}) => {
    const url = new URL(pathOrUrl, base).href;
    const send = () =>
      fetch(url, {
        method,
        headers: { ...init.headers, ...(authorization ? { authorization } : {}) },
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.timeout(10_000),
      });
    const first = await send();
    if (first.status !== 401 || basic === undefined) return first;
    await first.body?.cancel();
    const challenges = parseChallenges(first.headers.get('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm !== undefined) {
      const tokenUrl = new URL(bearer.params.realm);
      if (bearer.params.service) tokenUrl.searchParams.set('service', bearer.params.service);
      const scope = bearer.params.scope ?? `repository:${repository}:pull,push`;
      for (const s of scope.split(' ')) tokenUrl.searchParams.append('scope', s);
      const answer = await fetch(tokenUrl, { headers: { authorization: basic } });
      const text = await expectStatus(answer, 200, 'token request');
      const body = JSON.parse(text) as { token?: string; access_token?: string };
      authorization = `Bearer ${body.token ?? body.access_token}`;
    } else {
      authorization = basic;
    }
    return send();
  };
}

async function uploadBlob(client: Client, repository: string, blob: Buffer): Promise<void> {
  const started = await client(repository, 'POST', `/v2/${repository}/blobs/uploads/`);
  await expectStatus(started, 202, `blob upload start in ${repository}`);
  const location = started.headers.get('location');
  if (location === null) throw new Error('blob upload answered without Location');
  const separator = location.includes('?') ? '&' : '?';
  const put = await client(
    repository,
    'PUT',
    `${location}${separator}digest=${encodeURIComponent(sha256(blob))}`,
    {
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    },
  );
  await expectStatus(put, 201, `blob upload in ${repository}`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<string> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return text;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A POSIX ustar archive of regular files, sorted by name, with fixed metadata. */
function tarArchive(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const name of Object.keys(files).sort()) {
    const data = Buffer.from(files[name]!, 'utf8');
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148); // checksum field counts as spaces while summing
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
