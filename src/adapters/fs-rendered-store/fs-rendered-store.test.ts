import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../domain/deployments/file-sync.js';
import { createFsClaimStore } from '../fs-store/fs-claim-store.js';
import { createFsRenderedStore } from './fs-rendered-store.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rendered-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const text = (value: string) => Buffer.from(value, 'utf8');

describe('fs rendered store', () => {
  it('writes, hashes and removes files under rendered/<env>/, pruning empty folders', async () => {
    const store = await createFsRenderedStore(root);
    await store.writeFile('dev-a', 'environment/services/user-service.yaml', text('one'));
    await store.writeFile('dev-a', 'platform/cluster-claim.yaml', text('two'));
    expect(await store.hashes('dev-a')).toEqual(
      new Map([
        ['environment/services/user-service.yaml', sha256Hex('one')],
        ['platform/cluster-claim.yaml', sha256Hex('two')],
      ]),
    );
    await store.removeFile('dev-a', 'environment/services/user-service.yaml');
    expect(await readdir(join(root, 'rendered', 'dev-a'))).toEqual(['platform']);
    expect(await store.hashes('nobody')).toEqual(new Map());
  });

  it('keeps records apart from rendered files and removes both with the environment', async () => {
    const store = await createFsRenderedStore(root);
    await store.writeFile('dev-a', 'a.yaml', text('x'));
    await store.writeRecord('dev-a', text('{"phase":"Rendered"}'));
    await store.writeRecord('dev-b', text('{}'));
    expect(await store.environments()).toEqual(['dev-a', 'dev-b']);
    expect(Buffer.from((await store.readRecord('dev-a')) ?? []).toString()).toBe(
      '{"phase":"Rendered"}',
    );
    expect([...(await store.hashes('dev-a')).keys()]).toEqual(['a.yaml']);
    expect(await store.removeEnvironment('dev-a')).toBe(true);
    expect(await store.removeEnvironment('dev-a')).toBe(false);
    expect(await store.readRecord('dev-a')).toBeUndefined();
    await expect(stat(join(root, 'rendered', 'dev-a'))).rejects.toThrow();
    expect(await store.environments()).toEqual(['dev-b']);
  });

  it('is invisible to the claim store sharing its root', async () => {
    const claims = await createFsClaimStore({ root, resyncIntervalMs: 60_000 });
    const store = await createFsRenderedStore(root);
    await store.writeFile('dev-a', 'dev-a.json', text('{}'));
    await store.writeRecord('dev-a', text('{}'));
    expect(await claims.list('environments')).toEqual([]);
    expect(await claims.list('static-environments')).toEqual([]);
  });

  it('refuses paths that would leave the environment folder', async () => {
    const store = await createFsRenderedStore(root);
    for (const path of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden', '']) {
      await expect(store.writeFile('dev-a', path, text('x'))).rejects.toThrow(TypeError);
    }
    await expect(store.writeFile('..', 'a', text('x'))).rejects.toThrow(TypeError);
    await expect(store.readRecord('../environments/x')).rejects.toThrow(TypeError);
  });

  it('ignores temp files left by a killed writer', async () => {
    const store = await createFsRenderedStore(root);
    await store.writeFile('dev-a', 'a.yaml', text('x'));
    await writeFile(join(root, 'rendered', 'dev-a', '.a.yaml.123.tmp'), 'partial');
    expect([...(await store.hashes('dev-a')).keys()]).toEqual(['a.yaml']);
  });
});
