import { createHash } from 'node:crypto';
import { InputError } from '../../../domain/errors.js';
import {
  DOCKER_MANIFEST,
  isIndex,
  OCI_CONFIG,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
} from './media-types.js';
import type { SourceFile, SourceFiles } from './source-files.js';

/** A blob to push: its digest is known (from the layout) or was computed from its bytes. */
export interface PlannedBlob {
  readonly digest: string;
  readonly file: SourceFile;
}

/** A manifest to push by digest before the top one: a platform image of an index. */
export interface PlannedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** Everything one image push sends, in order: blobs, child manifests, the top manifest. */
export interface ImagePlan {
  readonly blobs: readonly PlannedBlob[];
  readonly manifests: readonly PlannedManifest[];
  /** The top manifest (image manifest or index), parsed, to be annotated and tagged. */
  readonly top: { readonly mediaType: string; readonly document: Record<string, unknown> };
}

interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size?: number;
  readonly annotations?: Record<string, string>;
}

/**
 * Reads an image from `files`: an OCI image layout (`index.json`, `blobs/<alg>/<hex>`),
 * which is also what `docker save` writes since Docker 25, or else the older `docker save`
 * format (`manifest.json`, `<id>/layer.tar`), converted to an OCI image manifest whose
 * layers are pushed as they are (uncompressed tar, or gzip if they already are). When the
 * source holds several images, `image` picks one by its saved name (`RepoTags`,
 * `io.containerd.image.name` or `org.opencontainers.image.ref.name`). Throws `InputError`
 * for a source that is not an image or names blobs it does not contain.
 */
export async function planImage(files: SourceFiles, image?: string): Promise<ImagePlan> {
  const index = await files.file('index.json');
  if (index !== undefined)
    return planLayout(files, await readJson(files, 'index.json', index), image);
  const legacy = await files.file('manifest.json');
  if (legacy !== undefined) {
    return planDockerSave(files, await readJson(files, 'manifest.json', legacy), image);
  }
  throw new InputError(
    `${files.description} holds no index.json or manifest.json: not an OCI image layout or docker save archive`,
  );
}

async function planLayout(files: SourceFiles, index: unknown, image?: string): Promise<ImagePlan> {
  const manifests = descriptorsOf(files, index, 'manifests', 'index.json');
  const names = (d: Descriptor) =>
    [
      d.annotations?.['io.containerd.image.name'],
      d.annotations?.['org.opencontainers.image.ref.name'],
    ].filter((n): n is string => n !== undefined);
  const chosen =
    image === undefined
      ? manifests.length === 1
        ? manifests[0]
        : undefined
      : manifests.find((d) => names(d).some((name) => sameImage(name, image)));
  if (chosen === undefined) {
    const saved = manifests.flatMap(names).join(', ') || 'none named';
    throw new InputError(
      image === undefined
        ? `${files.description} holds ${manifests.length} images (${saved}): name one`
        : `${files.description} holds no image named ${image} (it has: ${saved})`,
    );
  }
  const blobs = new Map<string, PlannedBlob>();
  const children: PlannedManifest[] = [];
  // Only the document: the top manifest is re-serialised with the push annotation.
  const { document } = await readBlobJson(files, chosen);
  const mediaType = mediaTypeOf(document, chosen, files);
  await collect(files, document, mediaType, blobs, children);
  return { blobs: [...blobs.values()], manifests: children, top: { mediaType, document } };
}

/** Adds the blobs an image manifest names, or (for an index) its manifests' blobs and bytes. */
async function collect(
  files: SourceFiles,
  document: Record<string, unknown>,
  mediaType: string,
  blobs: Map<string, PlannedBlob>,
  children: PlannedManifest[],
): Promise<void> {
  if (isIndex(mediaType)) {
    for (const child of descriptorsOf(files, document, 'manifests', 'an index')) {
      const read = await readBlobJson(files, child);
      const childType = mediaTypeOf(read.document, child, files);
      await collect(files, read.document, childType, blobs, children);
      children.push({ digest: child.digest, mediaType: childType, bytes: read.bytes });
    }
    return;
  }
  const config = descriptorOf(files, document.config, 'config');
  for (const descriptor of [config, ...descriptorsOf(files, document, 'layers', 'a manifest')]) {
    if (blobs.has(descriptor.digest)) continue;
    blobs.set(descriptor.digest, {
      digest: descriptor.digest,
      file: await blobFile(files, descriptor),
    });
  }
}

async function planDockerSave(
  files: SourceFiles,
  manifest: unknown,
  image?: string,
): Promise<ImagePlan> {
  const images = Array.isArray(manifest) ? (manifest as unknown[]) : [];
  const entries = images.filter(
    (e): e is { Config: string; Layers: string[]; RepoTags?: string[] } =>
      isRecord(e) &&
      typeof e.Config === 'string' &&
      Array.isArray(e.Layers) &&
      e.Layers.every((l) => typeof l === 'string') &&
      (e.RepoTags == null ||
        (Array.isArray(e.RepoTags) && e.RepoTags.every((t) => typeof t === 'string'))),
  );
  if (entries.length === 0 || entries.length !== images.length) {
    throw new InputError(`${files.description}: manifest.json is not a docker save manifest`);
  }
  const chosen =
    image === undefined
      ? entries.length === 1
        ? entries[0]
        : undefined
      : entries.find((e) => (e.RepoTags ?? []).some((name) => sameImage(name, image)));
  if (chosen === undefined) {
    const saved = entries.flatMap((e) => e.RepoTags ?? []).join(', ') || 'none named';
    throw new InputError(
      image === undefined
        ? `${files.description} holds ${entries.length} images (${saved}): name one`
        : `${files.description} holds no image named ${image} (it has: ${saved})`,
    );
  }
  const configFile = await required(files, chosen.Config);
  const configBytes = await configFile.read();
  const blobs: PlannedBlob[] = [{ digest: sha256(configBytes), file: configFile }];
  const layers: Descriptor[] = [];
  for (const name of chosen.Layers) {
    const file = await required(files, name);
    // Layer files of the old format are named by layer id, not by digest: hash them.
    const { digest, gzip } = await hashFile(file);
    blobs.push({ digest, file });
    layers.push({ mediaType: gzip ? OCI_LAYER_TAR_GZIP : OCI_LAYER_TAR, digest, size: file.size });
  }
  const document = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: blobs[0]!.digest, size: configBytes.length },
    layers,
  };
  return { blobs, manifests: [], top: { mediaType: OCI_MANIFEST, document } };
}

async function hashFile(file: SourceFile): Promise<{ digest: string; gzip: boolean }> {
  const hash = createHash('sha256');
  let head: Uint8Array | undefined;
  for await (const chunk of file.open() as unknown as AsyncIterable<Uint8Array>) {
    head ??= chunk;
    hash.update(chunk);
  }
  return { digest: `sha256:${hash.digest('hex')}`, gzip: head?.[0] === 0x1f && head[1] === 0x8b };
}

async function blobFile(files: SourceFiles, descriptor: Descriptor): Promise<SourceFile> {
  const [algorithm, hex] = descriptor.digest.split(':');
  const file = await required(files, `blobs/${algorithm}/${hex}`);
  if (descriptor.size !== undefined && descriptor.size !== file.size) {
    throw new InputError(
      `${files.description}: blob ${descriptor.digest} has ${file.size} bytes, its descriptor says ${descriptor.size}`,
    );
  }
  return file;
}

async function readBlobJson(
  files: SourceFiles,
  descriptor: Descriptor,
): Promise<{ bytes: Buffer; document: Record<string, unknown> }> {
  const name = `blob ${descriptor.digest}`;
  const bytes = await (await blobFile(files, descriptor)).read();
  if (sha256(bytes) !== descriptor.digest) {
    throw new InputError(`${files.description}: ${name} does not match its digest`);
  }
  const document = parseJson(files, name, bytes);
  if (!isRecord(document)) throw new InputError(`${files.description}: ${name} is not a manifest`);
  return { bytes, document };
}

function mediaTypeOf(
  document: Record<string, unknown>,
  descriptor: Descriptor,
  files: SourceFiles,
): string {
  const mediaType =
    typeof document.mediaType === 'string' ? document.mediaType : descriptor.mediaType;
  if (mediaType === undefined) {
    throw new InputError(`${files.description}: manifest ${descriptor.digest} names no media type`);
  }
  if (!isIndex(mediaType) && mediaType !== OCI_MANIFEST && mediaType !== DOCKER_MANIFEST) {
    throw new InputError(
      `${files.description}: ${descriptor.digest} is a ${mediaType}, not an image`,
    );
  }
  return mediaType;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function descriptorOf(files: SourceFiles, value: unknown, where: string): Descriptor {
  if (!isRecord(value) || typeof value.digest !== 'string' || !DIGEST.test(value.digest)) {
    throw new InputError(`${files.description}: ${where} has no sha256 descriptor`);
  }
  return value as unknown as Descriptor;
}

function descriptorsOf(
  files: SourceFiles,
  document: unknown,
  key: string,
  where: string,
): Descriptor[] {
  const list = isRecord(document) ? document[key] : undefined;
  if (!Array.isArray(list)) throw new InputError(`${files.description}: ${where} has no ${key}`);
  return list.map((value, i) => descriptorOf(files, value, `${key}[${i}] of ${where}`));
}

async function required(files: SourceFiles, name: string): Promise<SourceFile> {
  const file = await files.file(name);
  if (file === undefined) throw new InputError(`${files.description} lacks ${name}`);
  return file;
}

async function readJson(files: SourceFiles, name: string, file: SourceFile): Promise<unknown> {
  return parseJson(files, name, await file.read());
}

function parseJson(files: SourceFiles, name: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`${files.description}: ${name} is not JSON`);
  }
}

/**
 * Whether two image names are the same, Docker Hub's implicit prefix aside: Docker 25
 * saves `user-service:dev` as `docker.io/library/user-service:dev` in index.json.
 */
function sameImage(saved: string, wanted: string): boolean {
  const short = (name: string) => name.replace(/^docker\.io\/(?:library\/)?/, '');
  return short(saved) === short(wanted);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
