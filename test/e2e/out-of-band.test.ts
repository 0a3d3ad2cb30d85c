import { mkdir, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMIC,
  claimJson,
  installE2eHooks,
  startServer,
  waitFor,
  writeAtomically,
  type EnvironmentPage,
  type EnvironmentView,
  type RejectedList,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

const APPEAR_MS = 5_000;
let server: ServerHandle;
let bucket: string;

beforeAll(async () => {
  server = await startServer();
  bucket = server.bucketDir(DYNAMIC);
});
afterAll(async () => {
  await server.stop();
});

async function listedNames(): Promise<string[]> {
  const response = await server.request<EnvironmentPage>('GET', '/api/v1/environments?limit=500');
  expect(response.status).toBe(200);
  return response.body.items.map((item) => item.environment_name);
}

async function rejected(): Promise<RejectedList['items']> {
  const response = await server.request<RejectedList>('GET', '/api/v1/rejected-claims');
  expect(response.status).toBe(200);
  return response.body.items;
}

const rejectedEntry = async (key: string) =>
  (await rejected()).find((entry) => entry.bucket === DYNAMIC && entry.key === key);

/**
 * Waits until `key` is rejected with reasons on `path`. A plain (non-atomic) write can be
 * seen half-written first, so an earlier verdict (e.g. "not valid JSON") may come before.
 */
function waitRejected(key: string, path: string): Promise<RejectedList['items'][number]> {
  return waitFor(`${key} rejected on ${path}`, async () => {
    const entry = await rejectedEntry(key);
    return entry?.reasons.some((reason) => reason.path === path) ? entry : undefined;
  });
}

/** Waits until nothing is rejected; the error names what is still there. */
async function waitRejectedEmpty(what: string): Promise<void> {
  let left: RejectedList['items'] = [];
  try {
    await waitFor(what, async () => {
      left = await rejected();
      return left.length === 0 ? true : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; still rejected: ${JSON.stringify(left)}`);
  }
}

/** Resolves once `name` is (or, with `present` false, is no longer) listed by the API. */
function waitListed(name: string, present = true): Promise<true> {
  return waitFor(
    `'${name}' to be ${present ? 'listed' : 'unlisted'}`,
    async () => ((await listedNames()).includes(name) === present ? true : undefined),
    APPEAR_MS,
  );
}

/**
 * A barrier: writes a fresh valid claim and waits for it to be listed. Watch events are
 * handled in order, so everything written before it has been handled too.
 */
async function barrier(): Promise<void> {
  const name = `barrier-${Math.random().toString(36).slice(2, 10)}`;
  await writeAtomically(join(bucket, `${name}.json`), claimJson(name));
  await waitListed(name);
  await unlink(join(bucket, `${name}.json`));
  await waitListed(name, false);
}

describe('claim files written by other processes', () => {
  it(
    'picks up valid files written by rename or plainly, and drops deleted ones',
    {
      timeout: 30_000,
    },
    async () => {
      await writeAtomically(
        join(bucket, 'oob-renamed.json'),
        claimJson('oob-renamed', { services: { api: 'v7' } }),
      );
      await writeFile(join(bucket, 'oob-plain.json'), claimJson('oob-plain', { user: 'ci-bot' }));
      await waitListed('oob-renamed');
      await waitListed('oob-plain');

      const renamed = await server.request<EnvironmentView>(
        'GET',
        '/api/v1/environments/oob-renamed',
      );
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({
        environment_name: 'oob-renamed',
        environment_type: 'dev',
        user: 'ci@example.com',
        services: { api: 'v7' },
        status: { bucket: 'environments', managed_by: 'api', expires_at: null },
      });
      const plain = await server.request<EnvironmentView>('GET', '/api/v1/environments/oob-plain');
      expect(plain.body.user).toBe('ci-bot');
      // Neither the temp name nor the real ones were judged invalid.
      expect(await rejected()).toEqual([]);

      // An out-of-band change to the content is picked up too.
      await writeAtomically(
        join(bucket, 'oob-renamed.json'),
        claimJson('oob-renamed', { services: { api: 'v8' } }),
      );
      await waitFor('the changed services', async () => {
        const got = await server.request<EnvironmentView>(
          'GET',
          '/api/v1/environments/oob-renamed',
        );
        return got.body.services.api === 'v8' ? true : undefined;
      });

      await unlink(join(bucket, 'oob-renamed.json'));
      await waitListed('oob-renamed', false);
      const gone = await server.request('GET', '/api/v1/environments/oob-renamed');
      expect(gone.status).toBe(404);
      expect(await listedNames()).toContain('oob-plain');

      await unlink(join(bucket, 'oob-plain.json'));
      await waitListed('oob-plain', false);
    },
  );

  it(
    'rejects invalid files with reasons and accepts them once fixed',
    {
      timeout: 30_000,
    },
    async () => {
      await writeFile(join(bucket, 'bad-json.json'), '{"environment_name": "bad-json", ');
      await writeAtomically(
        join(bucket, 'bad-type.json'),
        claimJson('bad-type', { environment_type: 'qa' }),
      );
      await writeFile(
        join(bucket, 'bad-schema.json'),
        claimJson('bad-schema', { user: 'two words' }),
      );
      await writeFile(join(bucket, 'misnamed.json'), claimJson('other-name'));

      const badJson = await waitRejected('bad-json.json', '(root)');
      expect(badJson.reasons).toHaveLength(1);
      expect(badJson.reasons[0]?.path).toBe('(root)');
      expect(badJson.reasons[0]?.message).toMatch(/^not valid JSON/);
      expect(Number.isNaN(Date.parse(badJson.observed_at))).toBe(false);

      const badType = await waitRejected('bad-type.json', 'environment_type');
      expect(badType.reasons).toEqual([
        {
          path: 'environment_type',
          message: "unknown environment type 'qa'; known types: dev, prod, staging, sue",
        },
      ]);

      const badSchema = await waitRejected('bad-schema.json', 'user');
      expect(badSchema.reasons).toEqual([
        { path: 'user', message: 'user must not contain whitespace or control characters' },
      ]);

      // Any key is a claim: the document names the environment, not the key.
      await waitListed('other-name');

      const names = await listedNames();
      for (const name of ['bad-json', 'bad-type', 'bad-schema', 'misnamed']) {
        expect(names).not.toContain(name);
        const response = await server.request('GET', `/api/v1/environments/${name}`);
        expect(response.status, name).toBe(404);
      }

      // Fixing a file makes it an environment and takes it off the rejected list.
      await writeAtomically(join(bucket, 'bad-type.json'), claimJson('bad-type'));
      await writeFile(join(bucket, 'bad-json.json'), claimJson('bad-json'));
      await waitListed('bad-type');
      await waitListed('bad-json');
      await waitFor('fixed files to leave the rejected list', async () => {
        const keys = (await rejected()).map((entry) => entry.key);
        return !keys.includes('bad-type.json') && !keys.includes('bad-json.json')
          ? true
          : undefined;
      });
      expect((await rejected()).map((entry) => entry.key)).toEqual(['bad-schema.json']);

      // Removing a rejected file removes its entry; removing an upload, its environment.
      await unlink(join(bucket, 'misnamed.json'));
      await waitListed('other-name', false);
      await unlink(join(bucket, 'bad-schema.json'));
      await waitFor(
        'deleted files to leave the rejected list',
        async () => {
          const left = await rejected();
          console.log(JSON.stringify(left));
          return left.length === 0 ? true : undefined;
        },
        3000,
        500,
      );
      for (const name of ['bad-type', 'bad-json']) await unlink(join(bucket, `${name}.json`));
      await waitListed('bad-json', false);
      await waitListed('bad-type', false);
    },
  );

  it('survives garbage in the bucket directory', { timeout: 30_000 }, async () => {
    const valid = 'survivor';
    await writeAtomically(join(bucket, `${valid}.json`), claimJson(valid));
    await waitListed(valid);

    await mkdir(join(bucket, 'a-directory'));
    await mkdir(join(bucket, 'dir-named.json'));
    await writeFile(join(bucket, 'dir-named.json', 'inner.json'), claimJson('inner'));
    const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
    big.write(claimJson('huge'), 0);
    await writeFile(join(bucket, 'huge.json'), big);
    await writeFile(join(bucket, 'notes.txt'), 'not a claim\n');
    await writeFile(join(bucket, 'empty.json'), '');
    await writeFile(join(bucket, '.hidden.json'), claimJson('hidden'));

    // Seen while still being written it is smaller; wait for the verdict on the whole file.
    const huge = await waitFor('huge.json rejected as too large', async () => {
      const entry = await rejectedEntry('huge.json');
      return entry?.reasons[0]?.message.includes('2097152 bytes') ? entry : undefined;
    });
    expect(huge.reasons).toEqual([
      {
        path: '(root)',
        message: 'environments/huge.json is 2097152 bytes; the limit is 1048576',
      },
    ]);
    const notes = await waitRejected('notes.txt', '(key)');
    expect(notes.reasons).toHaveLength(1);
    const empty = await waitRejected('empty.json', '(root)');
    expect(empty.reasons[0]?.message).toMatch(/^not valid JSON/);
    const directory = await waitRejected('dir-named.json', '(key)');
    expect(directory.reasons[0]?.message).toBe(
      'environments/dir-named.json is a directory, not an object: it cannot be a claim',
    );
    await barrier();

    // Still alive and still serving what it served before.
    expect(server.child.exitCode).toBeNull();
    const health = await server.request<{ status: string }>('GET', '/healthz');
    expect(health.status).toBe(200);
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(await listedNames()).toEqual([valid]);
    for (const name of ['huge', 'hidden', 'inner', 'dir-named', 'a-directory']) {
      const response = await server.request('GET', `/api/v1/environments/${name}`);
      expect(response.status, name).toBe(404);
    }
    expect(
      (await rejected()).map((entry) => entry.key),
      'a directory named like a claim is listed (it blocks the name); other directories and dot files are not claims',
    ).toEqual(['dir-named.json', 'empty.json', 'huge.json', 'notes.txt']);
    const unhandled = server
      .logLines()
      .filter((line) => typeof line.level === 'number' && line.level >= 50);
    expect(unhandled).toEqual([]);

    // The API still writes beside the garbage.
    const created = await server.request('POST', '/api/v1/environments', {
      environment_name: 'after-garbage',
      environment_type: 'dev',
      environment_pool: 'pool-a',
    });
    expect(created.status).toBe(201);

    for (const name of ['huge.json', 'notes.txt', 'empty.json', '.hidden.json'])
      await unlink(join(bucket, name));
    await rm(join(bucket, 'a-directory'), { recursive: true });
    await rm(join(bucket, 'dir-named.json'), { recursive: true });
    await waitRejectedEmpty('the rejected list to empty');
    expect((await readdir(bucket)).sort()).toEqual(['after-garbage.json', 'survivor.json']);
  });
});
