import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  loadConfig,
  type ConfigSources,
  type PlatformConfig,
} from '../../src/config/load-config.js';

/**
 * For a config test file: `load(text)` writes the text as a new config file in a
 * temporary directory (made before the file's tests, removed after them) and loads it the
 * way `platformctl serve` does, with that directory as the working directory.
 */
export function useConfigFiles(
  prefix: string,
): (text: string, sources?: Pick<ConfigSources, 'env' | 'flags'>) => Promise<PlatformConfig> {
  let dir = '';
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (text, sources = {}) => {
    const path = join(dir, `config-${++counter}.yaml`);
    await writeFile(path, text);
    return loadConfig({ env: {}, ...sources, configPath: path, cwd: dir });
  };
}
