import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../domain/errors.js';
import { readTarIndex } from './ustar-reader.js';
import { writeTar } from './ustar-writer.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ustar-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LONG = `${'deep/'.repeat(30)}file.txt`; // 158 bytes: past ustar's 100

async function entriesOf(path: string): Promise<Record<string, string>> {
  const archive = await readFile(path);
  const out: Record<string, string> = {};
  for (const [name, entry] of await readTarIndex(path)) {
    out[name] = archive.subarray(entry.offset, entry.offset + entry.size).toString('utf8');
  }
  return out;
}

describe('ustar writer and reader', () => {
  it('writes sorted, fixed-metadata archives that GNU tar lists and extracts', async () => {
    const tar = writeTar([
      { name: 'b.txt', data: Buffer.from('bee\n') },
      { name: 'a/x.yml', data: Buffer.from('x: 1\n'), mode: 0o755 },
      { name: LONG, data: Buffer.from('long\n') },
    ]);
    const path = join(dir, 'written.tar');
    await writeFile(path, tar);
    const { stdout } = await run('tar', ['-tvf', path]);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).pop())).toEqual(['a/x.yml', 'b.txt', LONG]);
    expect(lines[0]).toMatch(/^-rwxr-xr-x 0\/0 .* 1970-01-01 00:00 /);
    const out = join(dir, 'extracted');
    await mkdir(out);
    await run('tar', ['-xf', path, '-C', out]);
    expect(await readFile(join(out, LONG), 'utf8')).toBe('long\n');
    // The same files in another order give the same bytes.
    expect(
      writeTar([
        { name: LONG, data: Buffer.from('long\n') },
        { name: 'a/x.yml', data: Buffer.from('x: 1\n'), mode: 0o755 },
        { name: 'b.txt', data: Buffer.from('bee\n') },
      ]).equals(tar),
    ).toBe(true);
    expect(await entriesOf(path)).toEqual({
      'a/x.yml': 'x: 1\n',
      'b.txt': 'bee\n',
      [LONG]: 'long\n',
    });
  });

  it('reads what GNU tar writes: ./ names, directories, GNU and pax long names, empty files', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, ...LONG.split('/').slice(0, -1)), { recursive: true });
    await writeFile(join(src, LONG), 'deep\n');
    await writeFile(join(src, 'empty'), '');
    await writeFile(join(src, 'manifest.json'), '[]');
    for (const format of ['gnu', 'posix']) {
      const path = join(dir, `${format}.tar`);
      await run('tar', [`--format=${format}`, '-cf', path, '-C', src, '.']);
      expect(await entriesOf(path)).toEqual({
        [LONG]: 'deep\n',
        empty: '',
        'manifest.json': '[]',
      });
    }
  });

  it('follows symbolic and hard links to the file they name (docker save links layers)', async () => {
    const src = join(dir, 'links');
    await mkdir(join(src, 'blobs', 'sha256'), { recursive: true });
    await mkdir(join(src, 'abc'));
    await writeFile(join(src, 'blobs', 'sha256', 'f00'), 'layer\n');
    await symlink('../blobs/sha256/f00', join(src, 'abc', 'layer.tar'));
    await symlink('/etc/passwd', join(src, 'outside'));
    await link(join(src, 'blobs', 'sha256', 'f00'), join(src, 'hard'));
    const path = join(dir, 'links.tar');
    await run('tar', ['-cf', path, '-C', src, 'blobs', 'abc', 'hard', 'outside']);
    const entries = await entriesOf(path);
    expect(entries['abc/layer.tar']).toBe('layer\n');
    expect(entries['blobs/sha256/f00']).toBe('layer\n');
    expect(entries.hard).toBe('layer\n');
    expect(entries.outside).toBeUndefined();
  });

  it('refuses a corrupted header and a truncated archive', async () => {
    const tar = writeTar([{ name: 'a', data: Buffer.alloc(2000, 1) }]);
    const corrupt = Buffer.from(tar);
    corrupt[0] = 'b'.charCodeAt(0);
    await writeFile(join(dir, 'corrupt.tar'), corrupt);
    await expect(readTarIndex(join(dir, 'corrupt.tar'))).rejects.toThrow(/bad header checksum/);
    await writeFile(join(dir, 'short.tar'), tar.subarray(0, 1024));
    await expect(readTarIndex(join(dir, 'short.tar'))).rejects.toBeInstanceOf(InputError);
  });

  it('refuses names that would leave the archive', () => {
    expect(() => writeTar([{ name: '../x', data: Buffer.alloc(0) }])).toThrow(TypeError);
    expect(() => writeTar([{ name: '/etc/x', data: Buffer.alloc(0) }])).toThrow(TypeError);
  });
});
