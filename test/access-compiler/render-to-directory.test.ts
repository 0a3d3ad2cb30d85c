import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsAccessOutputDirectory } from '../../src/adapters/fs-access-output/fs-access-output-directory.js';
import { createAccessCompilerService } from '../../src/app/access-compiler-service.js';
import { planCounts } from '../../src/domain/access/access-plan.js';
import { MANIFEST_FILE, manifestSchema } from '../../src/domain/access/manifest.js';
import { ConflictError, InputError } from '../../src/domain/errors.js';
import { tenancySchema, type Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import { exampleModel } from './example-model.js';

// Render and plan against a real directory: ownership, removal, hand-made files, idempotence.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'access-render-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listAll(root: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listAll(root, path)));
    else found.push(path);
  }
  return found.sort();
}

/** The example model without one of koa's namespaces. */
function withoutKoaProd(model: Tenancy): Tenancy {
  const raw = structuredClone(model);
  for (const organization of raw.organizations)
    for (const product of organization.products)
      product.namespaces = product.namespaces.filter((namespace) => namespace !== 'koa-prod');
  return tenancySchema.parse(raw);
}

describe('render into a directory', () => {
  it('writes every file and a manifest listing exactly them', async () => {
    const compiler = createAccessCompilerService();
    const model = exampleModel();
    const target = createFsAccessOutputDirectory(dir);
    const plan = await compiler.render(model, target);
    const { files } = compiler.compile(model);
    expect(planCounts(plan).add).toBe(files.length);
    expect(await listAll(dir)).toEqual([MANIFEST_FILE, ...files.map((f) => f.path)].sort());
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')),
    );
    expect(manifest.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    for (const file of files)
      expect(await readFile(join(dir, file.path), 'utf8')).toBe(file.content);
  });

  it('is idempotent: a second render of the same model changes nothing on disk', async () => {
    const compiler = createAccessCompilerService();
    const target = createFsAccessOutputDirectory(dir);
    await compiler.render(exampleModel(), target);
    const before = await stat(join(dir, MANIFEST_FILE));
    const manifestText = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    // A fresh parse of the same file: byte-identical output, not just the cached object.
    const plan = await createAccessCompilerService().plan(exampleModel(), target);
    expect(plan.changes).toEqual([]);
    await createAccessCompilerService().render(exampleModel(), target);
    expect(await readFile(join(dir, MANIFEST_FILE), 'utf8')).toBe(manifestText);
    expect(before.isFile()).toBe(true);
  });

  it('removes what the model no longer makes, and never a hand-made file', async () => {
    const compiler = createAccessCompilerService();
    const target = createFsAccessOutputDirectory(dir);
    await compiler.render(exampleModel(), target);
    await writeFile(join(dir, 'kubernetes', 'namespaces', 'hand-made.yaml'), 'kind: Secret\n');
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'README.md'), '# ours\n');

    const smaller = withoutKoaProd(exampleModel());
    const plan = await compiler.plan(smaller, target);
    const removed = plan.changes.filter((c) => c.action === 'remove').map((c) => c.path);
    expect(removed).toContain('kubernetes/namespaces/koa-prod.yaml');
    expect(removed.every((path) => !path.includes('hand-made'))).toBe(true);
    expect(plan.unmanaged).toEqual(['kubernetes/namespaces/hand-made.yaml', 'notes/README.md']);
    expect(plan.changes.some((c) => c.action === 'change' && c.path.startsWith('argocd/'))).toBe(
      true,
    );

    await compiler.render(smaller, target);
    await expect(stat(join(dir, 'kubernetes/namespaces/koa-prod.yaml'))).rejects.toThrow();
    expect(await readFile(join(dir, 'kubernetes/namespaces/hand-made.yaml'), 'utf8')).toBe(
      'kind: Secret\n',
    );
    expect(await readFile(join(dir, 'notes/README.md'), 'utf8')).toBe('# ours\n');
    expect((await compiler.plan(smaller, target)).changes).toEqual([]);
  });

  it('refuses to overwrite a hand-made file at a generated path, and writes nothing', async () => {
    await mkdir(join(dir, 'argocd', 'projects'), { recursive: true });
    await writeFile(join(dir, 'argocd', 'projects', 'koa.yaml'), 'hand-made\n');
    const compiler = createAccessCompilerService();
    const target = createFsAccessOutputDirectory(dir);
    const plan = await compiler.plan(exampleModel(), target);
    expect(plan.conflicts).toEqual(['argocd/projects/koa.yaml']);
    await expect(compiler.render(exampleModel(), target)).rejects.toBeInstanceOf(ConflictError);
    expect(await listAll(dir)).toEqual(['argocd/projects/koa.yaml']);
  });

  it('names a damaged manifest instead of guessing what it owns', async () => {
    await writeFile(join(dir, MANIFEST_FILE), '{"generator": "someone else"}');
    const compiler = createAccessCompilerService();
    await expect(
      compiler.plan(exampleModel(), createFsAccessOutputDirectory(dir)),
    ).rejects.toBeInstanceOf(InputError);
  });
});
