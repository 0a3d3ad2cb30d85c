/**
 * `access render` and `access plan` run in a second Node with a larger young generation
 * (bin/young-generation.js): which commands do, and that the first process answers for it.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'platformctl.js');
const { respawnArguments, SEMI_SPACE_MB } = createRequire(import.meta.url)(
  join(REPO_ROOT, 'bin', 'young-generation.js'),
) as {
  respawnArguments: (
    argv: readonly string[],
    execArgv: readonly string[],
    env: NodeJS.ProcessEnv,
  ) => string[] | undefined;
  SEMI_SPACE_MB: number;
};

const FLAG = `--max-semi-space-size=${SEMI_SPACE_MB}`;
const argv = (...args: string[]) => ['/usr/bin/node', BIN, ...args];

describe('respawnArguments', () => {
  it('starts render and plan again with the flag, keeping Node flags and arguments', () => {
    expect(respawnArguments(argv('access', 'render', 'm.yaml', '--out', 'x'), [], {})).toEqual([
      FLAG,
      BIN,
      'access',
      'render',
      'm.yaml',
      '--out',
      'x',
    ]);
    expect(
      respawnArguments(argv('access', 'plan', 'm.yaml'), ['--enable-source-maps'], {}),
    ).toEqual(['--enable-source-maps', FLAG, BIN, 'access', 'plan', 'm.yaml']);
  });

  it('runs everything else in place, and a render whose flag is given already', () => {
    for (const args of [
      ['access', 'check', 'm.yaml'],
      ['access', 'explain', 'alice', 'm.yaml'],
      ['serve'],
      ['env', 'list'],
      [],
    ])
      expect(respawnArguments(argv(...args), [], {})).toBeUndefined();
    const render = argv('access', 'render', 'm.yaml');
    expect(respawnArguments(render, ['--max-semi-space-size=32'], {})).toBeUndefined();
    expect(respawnArguments(render, [], { NODE_OPTIONS: '--max-semi-space-size=8' })).toBe(
      undefined,
    );
    expect(respawnArguments(render, [], { PLATFORMCTL_NO_RESPAWN: '1' })).toBeUndefined();
  });
});

describe('the respawned render (bin/platformctl.js)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'young-generation-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** PIDs of processes whose command line contains `needle`. */
  async function processesWith(needle: string): Promise<number[]> {
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.split('\0').includes(needle)) pids.push(Number(entry));
    }
    return pids;
  }

  it('passes a signal sent to the first process on to the render, and dies of it', async () => {
    // A FIFO as the model: the render blocks reading it until the signal comes.
    const fifo = join(dir, 'model.yaml');
    execFileSync('mkfifo', [fifo]);
    const parent = spawn(process.execPath, [BIN, 'access', 'render', fifo, '--out', dir], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      parent.on('exit', (_code, signal) => done(signal)),
    );
    let children: number[] = [];
    for (let tries = 0; tries < 200 && children.length === 0; tries++) {
      await new Promise((done) => setTimeout(done, 25));
      children = (await processesWith(fifo)).filter((pid) => pid !== parent.pid);
    }
    expect(children).toHaveLength(1);
    const cmdline = await readFile(`/proc/${children[0]}/cmdline`, 'utf8');
    expect(cmdline.split('\0')).toContain(FLAG);

    parent.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    for (let tries = 0; tries < 200 && (await processesWith(fifo)).length > 0; tries++)
      await new Promise((done) => setTimeout(done, 25));
    expect(await processesWith(fifo)).toEqual([]);
  });
});
