import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../domain/errors.js';

/** A file named on the command line, as text; one that cannot be read is the user's input error. */
export async function readInputFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(file), 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}
