import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform | undefined;
afterEach(async () => {
  await platform?.close();
});

describe('removing orphaned renders under a fence', () => {
  it('asks the fence before each removal and stops at its first refusal', async () => {
    platform = await createTestPlatform({
      files: {
        'services.yaml':
          'services:\n  auth-service:\n    versions: { default: "*", staging: "^1.0.0", prod: v1.0.0 }\n',
      },
      // Nothing is rendered here: the registry is never asked.
      configYaml: `deploy:\n  catalogue: ./services.yaml\n  registry: { url: 'http://127.0.0.1:9' }\n  resolveInterval: 1h\n`,
    });
    await platform.start();
    const rendered = join(platform.bucketsDir, 'rendered');
    for (const name of ['dev-gone-a', 'dev-gone-b']) {
      await mkdir(join(rendered, name, 'environment'), { recursive: true });
      await writeFile(join(rendered, name, 'environment', 'x.yaml'), 'x: 1\n');
    }
    const deployer = platform.deployer!;
    expect(await deployer.removeOrphans({ fence: () => Promise.resolve(false) })).toEqual([]);
    expect((await readdir(rendered)).sort()).toEqual(['dev-gone-a', 'dev-gone-b']);

    const answers = [true, false];
    const removed = await deployer.removeOrphans({
      fence: () => Promise.resolve(answers.shift() ?? true),
    });
    expect(removed).toHaveLength(1);
    expect(await readdir(rendered)).toHaveLength(1);
  });
});
