import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../../src/adapters/oci-registry/push/ustar-writer.js';

/** What a fixture image holds, to compare with what the registry serves back. */
export interface FixtureImage {
  /** Digest → bytes of every config and layer blob. */
  readonly blobs: Map<string, Buffer>;
  readonly configDigest: string;
  readonly layerDigests: readonly string[];
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Two layers (one plain tar, one gzipped, as docker save may hold either) and a config. */
function imageParts(name: string) {
  const plain = writeTar([{ name: 'app/NAME', data: Buffer.from(`${name}\n`) }]);
  const script = writeTar([{ name: 'app/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 }]);
  const zipped = gzipSync(script);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2020-01-01T00:00:00Z',
      config: { Cmd: ['/app/run.sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(plain), sha256(script)] },
    }),
  );
  return { plain, zipped, config };
}

/**
 * A `docker save` archive of the format before Docker 25: `manifest.json`, the config as
 * `<hex>.json`, layers as `<id>/layer.tar` named by layer id rather than by digest.
 */
export async function writeDockerSave(path: string, name: string): Promise<FixtureImage> {
  const { plain, zipped, config } = imageParts(name);
  const configName = `${sha256(config).slice(7)}.json`;
  const manifest = [
    { Config: configName, RepoTags: [name], Layers: ['1111/layer.tar', '2222/layer.tar'] },
  ];
  await writeFile(
    path,
    writeTar([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
      { name: configName, data: config },
      { name: '1111/layer.tar', data: plain },
      { name: '1111/VERSION', data: Buffer.from('1.0') },
      { name: '2222/layer.tar', data: zipped },
      { name: 'repositories', data: Buffer.from('{}') },
    ]),
  );
  return {
    blobs: new Map([config, plain, zipped].map((b) => [sha256(b), b])),
    configDigest: sha256(config),
    layerDigests: [sha256(plain), sha256(zipped)],
  };
}

/**
 * An OCI image layout in `dir`. With `platforms`, the top is an index of one image per
 * platform (what `docker buildx --output type=oci` writes); `annotations` go on index.json's
 * descriptor (`io.containerd.image.name`, `org.opencontainers.image.ref.name`).
 */
export async function writeOciLayout(
  dir: string,
  name: string,
  options: { platforms?: readonly string[]; annotations?: Record<string, string> } = {},
): Promise<FixtureImage & { topMediaType: string }> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blobs = new Map<string, Buffer>();
  const put = async (bytes: Buffer): Promise<string> => {
    const digest = sha256(bytes);
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return digest;
  };
  const image = async (platform: string) => {
    const { zipped, config } = imageParts(`${name}-${platform}`);
    for (const blob of [zipped, config]) blobs.set(await put(blob), blob);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: sha256(zipped),
            size: zipped.length,
          },
        ],
      }),
    );
    return { manifest, digest: await put(manifest), config: sha256(config), layer: sha256(zipped) };
  };
  let top: { mediaType: string; digest: string; size: number };
  let configDigest: string;
  let layerDigests: string[];
  if (options.platforms === undefined) {
    const one = await image('amd64');
    top = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: one.digest,
      size: one.manifest.length,
    };
    configDigest = one.config;
    layerDigests = [one.layer];
  } else {
    const images = [];
    for (const platform of options.platforms) images.push({ platform, ...(await image(platform)) });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: images.map((i) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: i.digest,
          size: i.manifest.length,
          platform: { os: 'linux', architecture: i.platform },
        })),
      }),
    );
    top = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: await put(index),
      size: index.length,
    };
    configDigest = images[0]!.config;
    layerDigests = images.map((i) => i.layer);
  }
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          ...top,
          ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
        },
      ],
    }),
  );
  return { blobs, configDigest, layerDigests, topMediaType: top.mediaType };
}
