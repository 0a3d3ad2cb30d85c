import { open } from 'node:fs/promises';
import { InputError } from '../../../domain/errors.js';

/** A regular file inside a tar archive: where its bytes are, so they can be streamed. */
export interface TarEntry {
  readonly name: string;
  /** Byte offset of the file's data in the archive. */
  readonly offset: number;
  readonly size: number;
}

const BLOCK = 512;

/**
 * Lists the regular files of a POSIX tar archive (ustar, with pax `path`/`size` records and
 * GNU long names, which `docker save` and GNU tar write) by reading only the headers, so a
 * multi-gigabyte image is indexed without reading its layers. Names are normalised (no
 * leading `./`). A later entry of the same name replaces an earlier one, as extraction
 * would. Throws `InputError` for a truncated archive or a header with a bad checksum.
 */
export async function readTarIndex(path: string): Promise<Map<string, TarEntry>> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const entries = new Map<string, TarEntry>();
    const header = Buffer.alloc(BLOCK);
    let position = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Record<string, string> = {};
    const links = new Map<string, string>();
    const readAt = async (buffer: Buffer, at: number): Promise<void> => {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
      if (bytesRead < buffer.length) throw invalid(path, `truncated at byte ${at}`);
    };

    while (position + BLOCK <= fileSize) {
      await readAt(header, position);
      // The archive ends with two zero blocks; one is enough to stop.
      if (header.every((byte) => byte === 0)) break;
      if (!checksumMatches(header)) throw invalid(path, `bad header checksum at byte ${position}`);
      const type = String.fromCharCode(header[156]!);
      const size = pax.size !== undefined ? Number(pax.size) : parseNumber(header, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) {
        throw invalid(path, `bad entry size at byte ${position}`);
      }
      const dataAt = position + BLOCK;
      if (dataAt + size > fileSize) throw invalid(path, `truncated entry at byte ${position}`);
      position = dataAt + Math.ceil(size / BLOCK) * BLOCK;

      if (type === 'x' || type === 'L' || type === 'K') {
        const data = Buffer.alloc(size);
        await readAt(data, dataAt);
        if (type === 'L') longName = cString(data, 0, size);
        else if (type === 'K') longLink = cString(data, 0, size);
        else pax = parsePax(data);
        continue;
      }
      if (type === 'g') continue; // global pax defaults: nothing we use
      const name = normalise(pax.path ?? longName ?? ustarName(header));
      const target = pax.linkpath ?? longLink ?? cString(header, 157, 100);
      longName = undefined;
      longLink = undefined;
      pax = {};
      if (type === '0' || type === '\0' || type === '7') {
        entries.set(name, { name, offset: dataAt, size });
      } else if (type === '1') {
        links.set(name, normalise(target)); // a hard link names its target from the root
      } else if (type === '2') {
        links.set(name, resolveSymlink(name, target));
      }
    }
    // `docker save` links repeated layers (and, since Docker 25, every `<id>/layer.tar`) to
    // one copy: a link is the file it points at, followed a few hops at most.
    for (const [name, first] of links) {
      let target: string | undefined = first;
      for (let hop = 0; target !== undefined && hop < 8; hop++) {
        const entry = entries.get(target);
        if (entry !== undefined) {
          entries.set(name, { ...entry, name });
          break;
        }
        target = links.get(target);
      }
    }
    return entries;
  } finally {
    await file.close();
  }
}

function invalid(path: string, why: string): InputError {
  return new InputError(`${path} is not a readable tar archive: ${why}`);
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return parseNumber(header, 148, 8) === sum;
}

/** Octal, or GNU base-256 (first byte's top bit set) for sizes of 8 GiB and more. */
function parseNumber(header: Buffer, offset: number, length: number): number {
  const first = header[offset]!;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + header[offset + i]!;
    return value;
  }
  const text = cString(header, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function cString(buffer: Buffer, offset: number, length: number): string {
  const end = buffer.indexOf(0, offset);
  return buffer.toString(
    'utf8',
    offset,
    end === -1 || end > offset + length ? offset + length : end,
  );
}

function ustarName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const magic = header.toString('latin1', 257, 262);
  const prefix = magic === 'ustar' ? cString(header, 345, 155) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

/** A symlink's target as a path from the archive root; outside the archive: none. */
function resolveSymlink(name: string, target: string): string {
  if (target.startsWith('/')) return '';
  const parts = name.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function normalise(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}
