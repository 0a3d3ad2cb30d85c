import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  REPO_ROOT,
  claimFiles,
  claimJson,
  installE2eHooks,
  startServer,
  waitFor,
  writeAtomically,
  type EnvironmentPage,
  type EnvironmentView,
  type ExitResult,
  type RejectedList,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

async function listedNames(server: ServerHandle): Promise<string[]> {
  const response = await server.request<EnvironmentPage>('GET', '/api/v1/environments?limit=500');
  expect(response.status).toBe(200);
  expect(response.body.next_cursor).toBeNull();
  return response.body.items.map((item) => item.environment_name);
}

/** Writes a valid claim and waits until it is listed: every earlier change was handled. */
async function barrier(server: ServerHandle, name: string): Promise<void> {
  await writeAtomically(join(server.bucketDir(DYNAMIC), `${name}.json`), claimJson(name));
  await waitFor(`barrier ${name} to be listed`, async () =>
    (await listedNames(server)).includes(name) ? true : undefined,
  );
}

describe('a writer killed in the middle of a write', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('leaves no partial claim behind', { timeout: 30_000 }, async () => {
    const bucket = server.bucketDir(DYNAMIC);
    const target = join(bucket, 'killed.json');
    const script = join(server.dataDir, 'killed-writer.mjs');
    const atomicWrite = pathToFileURL(join(REPO_ROOT, 'dist/adapters/fs-store/atomic-write.js'));
    await writeFile(
      script,
      [
        `import { writeTemp } from ${JSON.stringify(atomicWrite.href)};`,
        'setInterval(() => {}, 60_000); // stay alive while the body never ends',
        'async function* body() {',
        `  yield Buffer.from('{\\n  "environment_name": "killed",\\n  "environment_type": "dev",\\n');`,
        // writeTemp asks for the next chunk only once the first one is written.
        "  process.stdout.write('first chunk written\\n');",
        '  await new Promise(() => {});',
        '}',
        `await writeTemp(${JSON.stringify(target)}, body());`,
        "process.stdout.write('writeTemp returned\\n');",
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<ExitResult>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const temp = await waitFor(
      'the writer to create its temp file and write a chunk',
      async () => {
        if (child.exitCode !== null) throw new Error(`writer exited early: ${output}`);
        if (!output.includes('first chunk written')) return undefined;
        return (await readdir(bucket)).find((name) => name.startsWith('.killed.json.'));
      },
      15_000,
    );
    // `.<key>.<pid>-<counter>.tmp` (see tempName in atomic-write.ts).
    expect(temp).toMatch(/^\.killed\.json\.\d+-[0-9a-z]+\.tmp$/);
    expect(await readFile(join(bucket, temp), 'utf8')).toContain('"environment_name": "killed"');

    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(output).not.toContain('writeTemp returned');

    // Let the server handle whatever the dying writer caused, then look.
    await barrier(server, 'after-kill');
    expect(await exists(target)).toBe(false);
    expect(await claimFiles(bucket)).toEqual(['after-kill.json']);
    const got = await server.request('GET', '/api/v1/environments/killed');
    expect(got.status).toBe(404);
    expect(await listedNames(server)).toEqual(['after-kill']);
    const rejected = await server.request<RejectedList>('GET', '/api/v1/rejected-claims');
    expect(rejected.status).toBe(200);
    expect(rejected.text).not.toContain('killed');
    expect(rejected.body.items).toEqual([]);
  });
});

describe('the server killed with creates in flight', () => {
  it('restarts on the same data with only whole, listed claims', { timeout: 30_000 }, async () => {
    const first = await startServer();
    const bucket = first.bucketDir(DYNAMIC);
    const names = Array.from(
      { length: 30 },
      (_, index) => `inflight-${String(index).padStart(2, '0')}`,
    );
    const services = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`svc-${index}`, `v1.0.${index}`]),
    );
    // Kill the moment the first claim is published, while the others are still in flight:
    // the watcher's callback sends SIGKILL synchronously.
    const watcher = watch(bucket);
    const killedAtFirstClaim = new Promise<ExitResult>((resolve) => {
      watcher.on('change', (_event, file) => {
        if (typeof file === 'string' && file.endsWith('.json') && !file.startsWith('.')) {
          watcher.close();
          resolve(first.kill());
        }
      });
    });
    const outcomes = names.map((name) =>
      first
        .request<EnvironmentView>('POST', '/api/v1/environments', {
          environment_name: name,
          environment_type: 'dev',
          environment_pool: 'pool-a',
          services,
        })
        .then(
          (response) => ({ name, status: response.status }),
          () => ({ name, status: 0 }),
        ),
    );
    const killed = await killedAtFirstClaim;
    expect(killed.signal).toBe('SIGKILL');
    const results = await Promise.all(outcomes);
    for (const result of results) expect([0, 201]).toContain(result.status);
    const acknowledged = results.filter((result) => result.status === 201).map((r) => r.name);

    const second = await startServer({ dataDir: first.dataDir });
    try {
      const files = await claimFiles(bucket);
      // Every acknowledged create survived the kill.
      for (const name of acknowledged) expect(files).toContain(`${name}.json`);
      // Every file is a whole claim: valid JSON, named after its environment.
      for (const file of files) {
        const text = await readFile(join(bucket, file), 'utf8');
        const claim = JSON.parse(text) as { environment_name: string; services: unknown };
        expect(`${claim.environment_name}.json`).toBe(file);
        expect(claim.services).toEqual(services);
      }
      // And the restarted server lists exactly those files, rejecting nothing.
      const stems = files.map((file) => file.slice(0, -'.json'.length));
      expect(await listedNames(second)).toEqual(stems);
      const rejected = await second.request<RejectedList>('GET', '/api/v1/rejected-claims');
      expect(rejected.body.items).toEqual([]);

      // Left-over temp files (if the kill hit a write) stay invisible, and creates of
      // the names that never made it now work.
      const missing = names.filter((name) => !stems.includes(name));
      for (const name of missing) {
        const retry = await second.request('POST', '/api/v1/environments', {
          environment_name: name,
          environment_type: 'dev',
          environment_pool: 'pool-a',
        });
        expect(retry.status, `${name}: ${retry.text}`).toBe(201);
      }
      expect(await listedNames(second)).toEqual(names);
      expect(await claimFiles(bucket)).toEqual(names.map((name) => `${name}.json`));
    } finally {
      await second.stop();
    }
  });
});
