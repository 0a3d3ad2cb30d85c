import { open, type FileHandle } from 'node:fs/promises';

/** The file opened for reading, or undefined when there is none. */
async function openIfPresent(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The end of a line-oriented file, read backwards so a long log is never read whole. */
export interface FileTail {
  readonly size: number;
  /** The last line without its newline; undefined for an empty file. */
  readonly lastLine: string | undefined;
  /** Byte offset where `lastLine` starts. */
  readonly lastLineStart: number;
  /** False when the last line has no newline: a torn write, or an edit by hand. */
  readonly endsWithNewline: boolean;
}

const CHUNK = 64 * 1024;

/**
 * Reads the last line of `path`, or undefined when there is no such file. Throws when the
 * last line is longer than `maxLineBytes`: no record is that long, so the file is not a log.
 */
export async function readTail(
  path: string,
  maxLineBytes = 1024 * 1024,
): Promise<FileTail | undefined> {
  const handle = await openIfPresent(path);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    if (size === 0) return { size, lastLine: undefined, lastLineStart: 0, endsWithNewline: true };
    const lastByte = Buffer.alloc(1);
    await handle.read(lastByte, 0, 1, size - 1);
    const endsWithNewline = lastByte[0] === 0x0a;
    const contentEnd = endsWithNewline ? size - 1 : size;

    // Collect chunks backwards until the newline before the last line (or the file start).
    const chunks: Buffer[] = [];
    let position = contentEnd;
    let start = 0;
    while (position > 0) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline >= 0) {
        chunks.unshift(chunk.subarray(newline + 1));
        start = position + newline + 1;
        break;
      }
      chunks.unshift(chunk);
      if (contentEnd - position > maxLineBytes) {
        throw new Error(`${path}: the last line is longer than ${maxLineBytes} bytes`);
      }
    }
    return {
      size,
      lastLine: Buffer.concat(chunks).toString('utf8'),
      lastLineStart: start,
      endsWithNewline,
    };
  } finally {
    await handle.close();
  }
}

/** The complete lines in the last `maxBytes` of a file, in file order. */
export interface TailLines {
  readonly lines: string[];
  /** True when `lines` starts at the beginning of the file (nothing was left out before it). */
  readonly fromStart: boolean;
}

/**
 * Reads the lines that end in the last `maxBytes` of `path` (a line cut by the window's
 * start is left out; so is a last line without its newline). Undefined when there is no file.
 */
export async function readTailLines(
  path: string,
  maxBytes: number,
): Promise<TailLines | undefined> {
  const handle = await openIfPresent(path);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    // One byte more than asked for: the newline before the first line tells it is whole.
    const start = Math.max(0, size - maxBytes - 1);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const text = buffer.subarray(0, read).toString('utf8');
    const parts = text.split('\n');
    parts.pop(); // after the last newline: empty, or a line without its newline
    if (start > 0) parts.shift(); // cut by the window (or ends at the byte before it)
    return { lines: parts, fromStart: start === 0 };
  } finally {
    await handle.close();
  }
}
