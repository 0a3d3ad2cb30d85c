import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkServicesFile } from './services-check.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/services.yaml', import.meta.url));

let dir: string;
let stdout: string;
let stderr: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-check-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('platformctl services check', () => {
  it('prints a one-line summary for examples/services.yaml', async () => {
    await checkServicesFile(EXAMPLE);
    expect(process.exitCode).toBeUndefined();
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^ok: 7 services, \d+ dependencies; deployed by default: dev \d+, staging \d+, prod \d+, sue \d+\n$/,
    );
  });

  it('prints every problem as path: message and exits 1', async () => {
    const file = join(dir, 'services.yaml');
    await writeFile(
      file,
      [
        'services:',
        '  a: { dependsOn: [b, ghost], versions: { default: "*", prod: v1.0.0, staging: 1.x } }',
        '  b: { dependsOn: [a], versions: { default: "*", prod: "^1", staging: 1.x } }',
      ].join('\n'),
    );
    await checkServicesFile(file);
    expect(process.exitCode).toBe(1);
    expect(stderr).toBe(`Service catalogue ${file} fails the checks\n`);
    expect(stdout.split('\n')).toEqual([
      "services.a.dependsOn.1: unknown service 'ghost'",
      "services.b.versions.prod: '^1' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
      'services.a.dependsOn.0: dependency cycle: a → b → a',
      '',
    ]);
  });

  it('checks against the environment types given', async () => {
    const file = join(dir, 'services.yaml');
    await writeFile(file, 'services:\n  a: { types: [qa], versions: { qa: v1.0.0 } }\n');
    await checkServicesFile(file, { types: 'qa, dev' });
    expect(stdout).toBe('ok: 1 service, 0 dependencies; deployed by default: qa 1, dev 0\n');
    await checkServicesFile(file);
    expect(process.exitCode).toBe(1);
  });

  it('says in one line that a missing file cannot be read, and exits 1', async () => {
    const file = join(dir, 'missing.yaml');
    await checkServicesFile(file);
    expect(process.exitCode).toBe(1);
    expect(stderr).toMatch(new RegExp(`^Cannot read service catalogue ${file}: ENOENT[^\\n]*\\n$`));
    expect(stdout).toBe('');
  });
});
