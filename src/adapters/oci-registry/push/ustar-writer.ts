/** One regular file for `writeTar`. */
export interface TarFile {
  /** A relative path with `/` separators. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Permission bits; 0o644 when omitted. */
  readonly mode?: number;
}

const BLOCK = 512;

/**
 * A POSIX ustar archive of `files`, sorted by name, every header with the same owner
 * (0:0), mtime (0) and no user or group names, so the same files always give the same
 * bytes (and so the same digest). Names longer than ustar's 100 bytes get a pax `path`
 * record. Throws `TypeError` for an absolute name or one with `..`.
 */
export function writeTar(files: readonly TarFile[]): Buffer {
  const blocks: Buffer[] = [];
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    if (file.name === '' || file.name.startsWith('/') || file.name.split('/').includes('..')) {
      throw new TypeError(`not a relative path inside the archive: ${JSON.stringify(file.name)}`);
    }
    const nameBytes = Buffer.from(file.name, 'utf8');
    let headerName = file.name;
    if (nameBytes.length > 100) {
      blocks.push(...entry(paxName(file.name), Buffer.from(paxRecord('path', file.name)), 'x'));
      // The ustar field keeps a truncated name for readers without pax support.
      headerName = nameBytes.subarray(0, 100).toString('utf8');
    }
    blocks.push(...entry(headerName, Buffer.from(file.data), '0', file.mode ?? 0o644));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

function entry(name: string, data: Buffer, type: '0' | 'x', mode = 0o644): Buffer[] {
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100, 'latin1');
  header.write(octal(0, 8), 108, 'latin1');
  header.write(octal(0, 8), 116, 'latin1');
  header.write(octal(data.length, 12), 124, 'latin1');
  header.write(octal(0, 12), 136, 'latin1');
  header.write('        ', 148, 'latin1'); // the checksum counts its own field as spaces
  header.write(type, 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  const padding = Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK);
  return [header, data, padding];
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}

function paxName(name: string): string {
  return `PaxHeaders/${name.split('/').pop()!.slice(0, 80)}`;
}

/** `<length> <key>=<value>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + String(bodyLength).length;
  // Adding the digits may add a digit (95 + 2 = 97, but 99 + 2 = 101 needs 3).
  if (String(length).length !== String(bodyLength).length)
    length = bodyLength + String(length).length;
  return `${length}${body}`;
}
