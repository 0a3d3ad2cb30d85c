import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileAccess } from '../../src/domain/access/compile-access.js';
import { OUTPUT_TOOLS } from '../../src/domain/access/access-output.js';
import { exampleModel } from './example-model.js';

// Golden files: the whole render of examples/tenancy.yaml (the seeds' own examples), per
// tool, byte for byte. A change to any generator shows up here as a reviewable diff.
// Regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run test/access-compiler/golden.test.ts

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(join(root, prefix), { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(root, path)));
    else found.push(path);
  }
  return found.sort();
}

const compiled = compileAccess(exampleModel());

if (process.env.UPDATE_GOLDEN === '1') {
  await rm(GOLDEN, { recursive: true, force: true });
  for (const file of compiled.files) {
    await mkdir(dirname(join(GOLDEN, file.path)), { recursive: true });
    await writeFile(join(GOLDEN, file.path), file.content);
  }
}

describe('golden files of examples/tenancy.yaml', () => {
  it('has exactly the golden set of files', async () => {
    expect(compiled.files.map((file) => file.path)).toEqual(await listFiles(GOLDEN));
  });

  it('renders every tool', () => {
    const tools = new Set(compiled.files.map((file) => file.path.split('/')[0]));
    expect([...tools].sort()).toEqual([...OUTPUT_TOOLS].sort());
  });

  for (const file of compiled.files)
    it(`matches golden ${file.path}`, async () => {
      expect(file.content).toBe(await readFile(join(GOLDEN, file.path), 'utf8'));
    });

  it('is deterministic: a second compile of a fresh parse is byte-identical', () => {
    const again = compileAccess(exampleModel());
    expect(again.files).toEqual(compiled.files);
  });
});
