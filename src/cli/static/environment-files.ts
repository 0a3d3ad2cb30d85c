import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../domain/errors.js';
import {
  isDefinitionFile,
  type DefinitionFile,
} from '../../domain/static-environments/definition-set.js';

/** Where a checkout keeps its definitions (the seed's `git rm environments/prod-main.yaml`). */
export const DEFINITIONS_DIR = 'environments';

/**
 * The definition files of the checkout at `dir`, by path. A missing `environments/` is a
 * usage error, not an empty set: publishing nothing would remove every static environment,
 * which a wrong DIR must never do. An empty directory does mean "none".
 */
export async function readDefinitionFiles(dir: string): Promise<DefinitionFile[]> {
  const directory = join(dir, DEFINITIONS_DIR);
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    throw new InputError(
      `Cannot read ${directory}: ${(error as Error).message}; DIR must be a checkout with an ${DEFINITIONS_DIR}/ directory`,
      [],
      { cause: error },
    );
  }
  const names = entries
    .filter((entry) => entry.isFile() && isDefinitionFile(entry.name))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      path: `${DEFINITIONS_DIR}/${name}`,
      text: await readFile(join(directory, name), 'utf8'),
    })),
  );
}
