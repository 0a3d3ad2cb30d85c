import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderEnvironment } from '../../src/domain/render/render-environment.js';
import { inputFor, TYPE_NAMES } from './render-fixtures.js';

// Golden files: the Infisical part of the render (Terraform JSON and its applier, the platform-secrets
// Kustomization and the folder it applies) of the seed's example services, per environment
// type, byte for byte. A change to the identities, paths, projects or lifetimes shows up as
// a reviewable diff. Regenerate after an intended change:
// UPDATE_GOLDEN=1 npx vitest run test/render/infisical-golden.test.ts

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'infisical');

const isInfisical = (path: string) =>
  path.startsWith('infisical/') ||
  path.startsWith('environment/infisical') ||
  path.startsWith('platform/infisical');

const rendered = TYPE_NAMES.flatMap((type) =>
  renderEnvironment(inputFor(type))
    .filter((file) => isInfisical(file.path))
    .map((file) => ({ path: `${type}/${file.path}`, content: file.content })),
);

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(root, path)));
    else found.push(path);
  }
  return found.sort();
}

if (process.env.UPDATE_GOLDEN === '1') {
  await rm(GOLDEN, { recursive: true, force: true });
  for (const file of rendered) {
    await mkdir(dirname(join(GOLDEN, file.path)), { recursive: true });
    await writeFile(join(GOLDEN, file.path), file.content);
  }
}

describe('golden files of the Infisical render', () => {
  it('has exactly the golden set of files, six per type', async () => {
    expect(rendered.map((file) => file.path).sort()).toEqual(await listFiles(GOLDEN));
    expect(rendered).toHaveLength(TYPE_NAMES.length * 6);
  });

  for (const file of rendered)
    it(`matches golden ${file.path}`, async () => {
      expect(file.content).toBe(await readFile(join(GOLDEN, file.path), 'utf8'));
    });
});
