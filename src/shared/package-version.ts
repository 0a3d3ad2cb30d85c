import { readFileSync } from 'node:fs';

/**
 * The version in package.json. A module of its own so `platformctl --version` and `--help`
 * read it without loading the server (`dist/shared/` is two levels below the package root).
 */
export function packageVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return manifest.version;
}
