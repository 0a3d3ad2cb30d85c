import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../../../domain/errors.js';
import { readTarIndex } from './ustar-reader.js';

/** A file of an image source, readable as often as needed (once to hash, once to upload). */
export interface SourceFile {
  readonly size: number;
  /** A fresh stream of the file's bytes. */
  open(): ReadableStream<Uint8Array>;
  /** The whole file: only for small ones (index, manifests, configs). */
  read(): Promise<Buffer>;
}

/** The files of an image source by relative path: a directory or a tar archive. */
export interface SourceFiles {
  readonly description: string;
  file(name: string): Promise<SourceFile | undefined>;
}

/** Manifests and configs are at most a few MiB; anything bigger read whole is a mistake. */
const MAX_SMALL_FILE = 16 * 1024 * 1024;

/**
 * The files of `path`: a directory (an OCI image layout) or a tar archive (`docker save`),
 * whose headers are indexed once and whose files are then streamed from their offsets.
 */
export async function openSourceFiles(path: string): Promise<SourceFiles> {
  const info = await stat(path);
  return info.isDirectory() ? directoryFiles(path) : tarFiles(path);
}

function directoryFiles(root: string): SourceFiles {
  const base = resolve(root);
  return {
    description: `OCI image layout ${root}`,
    async file(name) {
      const full = resolve(base, name);
      // Paths come from index.json and manifests: never leave the layout.
      if (!full.startsWith(base + sep)) return undefined;
      let size: number;
      try {
        const info = await stat(full);
        if (!info.isFile()) return undefined;
        size = info.size;
      } catch {
        return undefined;
      }
      return {
        size,
        open: () => toWeb(createReadStream(full)),
        read: () => readSmall(size, name, () => readFile(full)),
      };
    },
  };
}

async function tarFiles(path: string): Promise<SourceFiles> {
  const entries = await readTarIndex(path);
  return {
    description: `image archive ${path}`,
    file(name) {
      const entry = entries.get(name.replace(/^(\.\/)+/, ''));
      if (entry === undefined) return Promise.resolve(undefined);
      const { offset, size } = entry;
      const open = () =>
        size === 0
          ? new Blob([]).stream()
          : toWeb(createReadStream(path, { start: offset, end: offset + size - 1 }));
      return Promise.resolve({
        size,
        open,
        read: () =>
          readSmall(size, name, async () => Buffer.from(await new Response(open()).arrayBuffer())),
      });
    },
  };
}

async function readSmall(size: number, name: string, read: () => Promise<Buffer>): Promise<Buffer> {
  if (size > MAX_SMALL_FILE) {
    throw new InputError(`${name} is too large for a manifest or config (${size} bytes)`);
  }
  return read();
}

function toWeb(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}
