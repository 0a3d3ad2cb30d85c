import { open } from 'node:fs/promises';

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
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
