import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-process.js';
import {
  CLI,
  DYNAMIC,
  REPO_ROOT,
  claimJson,
  installE2eHooks,
  startServer,
  waitFor,
  writeAtomically,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

/** One item of `GET /api/v1/audit`, the fields these tests read. */
interface AuditItem {
  seq: number;
  actor: string;
  action: string;
  target: string;
  decision: string;
  request_id: string | null;
  outcome: {
    result: string;
    status: number | null;
    problem: string | null;
    seq: number;
  } | null;
  object?: { bucket: string; key: string; etag: string | null };
  detail?: string;
}

let server: ServerHandle;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

async function auditItems(query = ''): Promise<AuditItem[]> {
  const response = await server.request<{ items: AuditItem[] }>(
    'GET',
    `/api/v1/audit?limit=500${query}`,
  );
  expect(response.status).toBe(200);
  return response.body.items;
}

/** Waits for the record `pick` finds, with its outcome written (outcomes follow the answer). */
function waitForItem(
  what: string,
  pick: (items: AuditItem[]) => AuditItem | undefined,
): Promise<AuditItem> {
  return waitFor(what, async () => {
    const item = pick(await auditItems());
    return item?.outcome ? item : undefined;
  });
}

describe('intent and outcome', () => {
  it('pairs an allowed create with its outcome, succeeded or failed', async () => {
    const created = await server.request('POST', '/api/v1/environments', {
      environment_name: 'sue-audited',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      services: { api: 'v1.0.0' },
    });
    expect(created.status).toBe(201);
    const ok = await waitForItem('the create of sue-audited', (items) =>
      items.find(
        (item) => item.action === 'environment:create' && item.target === 'environment/sue-audited',
      ),
    );
    expect(ok.decision).toBe('allow');
    expect(ok.outcome).toMatchObject({ result: 'succeeded', status: 201, problem: null });
    expect(ok.outcome!.seq).toBeGreaterThan(ok.seq);

    // Allowed by policy, then refused by the type's rules: the intent alone read as a success.
    const refused = await server.request('POST', '/api/v1/environments', {
      environment_name: 'sue-too-long',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      services: { api: 'v1.0.0' },
      expiration_date: '2999-01-01T00:00:00Z',
    });
    expect(refused.status).toBe(400);
    const failed = await waitForItem('the refused create', (items) =>
      items.find((item) => item.target === 'environment/sue-too-long'),
    );
    expect(failed.decision).toBe('allow');
    expect(failed.outcome).toMatchObject({ result: 'failed', status: 400, problem: 'INPUT' });
    expect(failed.request_id).not.toBeNull();

    // Outcomes are not items of their own: each seq listed is an intent or a complete record.
    // (An outcome record listed on its own would carry its own seq as outcome.seq, so the
    // joined outcomes — those held by a later record — are the ones that must not be listed.)
    const items = await auditItems();
    const joined = new Set(
      items.flatMap((item) =>
        item.outcome && item.outcome.seq !== item.seq ? [item.outcome.seq] : [],
      ),
    );
    expect(joined.size).toBeGreaterThanOrEqual(2);
    expect(items.filter((item) => joined.has(item.seq))).toEqual([]);
  });

  it('records the outcome of a delete and keeps a chain that verifies', async () => {
    const name = 'sue-deleted';
    const created = await server.request('POST', '/api/v1/environments', {
      environment_name: name,
      environment_type: 'sue',
      environment_pool: 'pool-a',
      services: { api: 'v1.0.0' },
    });
    expect(created.status).toBe(201);
    expect((await server.request('DELETE', `/api/v1/environments/${name}`)).status).toBe(204);
    const deleted = await waitForItem('the delete', (items) =>
      items.find((item) => item.action === 'environment:delete' && item.target.endsWith(name)),
    );
    expect(deleted.outcome).toMatchObject({ result: 'succeeded', status: 204 });
    // The API's own delete is no change behind its back.
    const watcher = await auditItems(`&actor=system:bucket-watcher&target=environment/${name}`);
    expect(watcher).toEqual([]);

    const verify = await runNode([CLI, 'audit', 'verify', '--data-dir', server.dataDir], {
      cwd: REPO_ROOT,
    });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  });
});

describe('changes made behind the API', () => {
  const watcherItems = (name: string) =>
    auditItems(`&actor=system:bucket-watcher&target=environment/${name}`);

  it('records objects created, replaced and removed in the bucket, with key and ETag', async () => {
    const name = 'sue-uploaded';
    const path = join(server.bucketDir(DYNAMIC), `${name}.json`);
    await writeAtomically(path, claimJson(name, { user: 'someone@example.com' }));
    const created = await waitFor('the upload audited', async () =>
      (await watcherItems(name)).find((item) => item.action === 'bucket:object-created'),
    );
    expect(created).toMatchObject({
      actor: 'system:bucket-watcher',
      decision: 'allow',
      request_id: null,
      object: { bucket: DYNAMIC, key: `${name}.json` },
      outcome: { result: 'succeeded', status: null, problem: null },
    });
    expect(created.object?.etag).toEqual(expect.any(String));

    await writeAtomically(path, claimJson(name, { user: 'someone-else@example.com' }));
    const replaced = await waitFor('the replacement audited', async () =>
      (await watcherItems(name)).find((item) => item.action === 'bucket:object-replaced'),
    );
    expect(replaced.object?.etag).not.toBe(created.object?.etag);

    await unlink(path);
    const removed = await waitFor('the removal audited', async () =>
      (await watcherItems(name)).find((item) => item.action === 'bucket:object-removed'),
    );
    expect(removed.object).toEqual({ bucket: DYNAMIC, key: `${name}.json`, etag: null });
  });

  it('records a rejected claim with its reasons', async () => {
    const key = 'not-a-claim.json';
    await writeAtomically(join(server.bucketDir(DYNAMIC), key), '{"environment_name": 42}\n');
    const rejected = await waitFor('the rejection audited', async () =>
      (await auditItems('&action=bucket:claim-rejected')).find(
        (item) => item.object?.key === key && item.detail?.includes('environment_name'),
      ),
    );
    expect(rejected).toMatchObject({
      actor: 'system:bucket-watcher',
      target: `object/${DYNAMIC}/${key}`,
      outcome: { result: 'failed', problem: 'INPUT' },
    });
    expect(rejected.detail).toMatch(/environment_name/);
  });
});
