import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-process.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'platformctl.js');
const TRACE_HOOKS = fileURLToPath(new URL('../support/module-trace/register.js', import.meta.url));

/** What only the server needs: a client command that loads any of these starts slowly. */
const SERVER_MODULES = [
  /@cedar-policy\//,
  /\/node_modules\/hono\//,
  /\/node_modules\/@hono\//,
  /\/node_modules\/pino\//,
  /@kubernetes-models\//,
  /\/node_modules\/pg\//,
  /\/dist\/main\.js$/,
  /\/dist\/http\//,
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-startup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs platformctl with every resolved module URL traced; returns the run and the URLs. */
async function traced(args: string[], env: Record<string, string> = {}) {
  const file = join(dir, 'modules.txt');
  const run = await runNode(['--import', TRACE_HOOKS, CLI, ...args], {
    cwd: dir,
    env: { ...process.env, ...env, MODULE_TRACE_FILE: file },
  });
  const modules = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { run, modules };
}

describe('platformctl starts without the server', () => {
  it('sees server modules where they do load (the trace works)', async () => {
    const { run, modules } = await traced(['serve', '--config', join(dir, 'missing.yaml')]);
    expect(run.code).not.toBe(0);
    expect(modules.some((url) => SERVER_MODULES.some((pattern) => pattern.test(url)))).toBe(true);
  });

  for (const args of [
    ['--version'],
    ['--help'],
    ['audit', '--help'],
    ['token', '--help'],
    ['login', '--help'],
    ['completion', 'bash'],
  ]) {
    it(`platformctl ${args.join(' ')} loads no server code`, async () => {
      const { run, modules } = await traced(args);
      if (args[0] === '--version') {
        const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
          version: string;
        };
        expect(run.stdout.trim()).toBe(manifest.version);
      }
      expect(run.code, run.stderr).toBe(0);
      expect(modules.length).toBeGreaterThan(0);
      expect(modules.filter((url) => SERVER_MODULES.some((pattern) => pattern.test(url)))).toEqual(
        [],
      );
    });
  }

  // Client commands run for real, against a port where nothing listens: they get as far as
  // sending a request (exit 5) without loading the server.
  for (const args of [
    ['env', 'list'],
    ['env', 'get', 'dev-x', '-o', 'yaml'],
    ['env', 'create', 'dev-x', '--type', 'dev', '--pool', 'p', '--service', 'a:v1'],
    ['whoami'],
    ['audit', 'list'],
    ['rejected', 'list'],
  ]) {
    it(`platformctl ${args.join(' ')} loads no server code`, async () => {
      const { run, modules } = await traced([...args, '--server', 'http://127.0.0.1:9'], {
        PLATFORM_TOKEN: 'startup-test-token',
      });
      expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
      expect(run.code).toBe(5);
      expect(modules.filter((url) => SERVER_MODULES.some((pattern) => pattern.test(url)))).toEqual(
        [],
      );
    });
  }
});
