import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createWorkerAccessRenderer,
  renderWorkerEntry,
} from '../../src/adapters/worker-access-renderer/worker-access-renderer.js';
import { toolShares } from '../../src/adapters/worker-access-renderer/tool-shares.js';
import { createAccessCompilerService } from '../../src/app/access-compiler-service.js';
import { createAccessCompilerApi } from '../../src/app/access-compiler-api.js';
import { OUTPUT_TOOLS } from '../../src/domain/access/access-output.js';
import { compileAccess } from '../../src/domain/access/compile-access.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type { Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import { exampleModel } from './example-model.js';
import { generatedModel } from './generated-model.js';

// Worker threads run plain Node, so they start the compiled entry in dist/: `npm test`
// builds before vitest; run `npm run build` first when running this file alone.

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** Each file as text the assertion can show when one differs. */
const texts = (files: readonly { path: string; content: string; objects: readonly string[] }[]) =>
  files.map((file) => `${file.path}\n${file.objects.join('\n')}\n${file.content}`);

describe('worker access renderer', () => {
  it('starts the compiled entry', () => {
    expect(renderWorkerEntry().pathname).toMatch(
      /\/dist\/adapters\/worker-access-renderer\/access-render-worker\.js$/,
    );
    expect(existsSync(renderWorkerEntry())).toBe(true);
  });

  it('shares every tool exactly once', () => {
    for (const count of [1, 2, 3, 4, 16]) {
      const shares = toolShares(count);
      expect(shares.length).toBe(Math.min(count, OUTPUT_TOOLS.length));
      expect(shares.every((share) => share.length > 0)).toBe(true);
      expect(shares.flat().sort()).toEqual([...OUTPUT_TOOLS].sort());
    }
  });

  const models: [string, () => Tenancy][] = [
    ['examples/tenancy.yaml', exampleModel],
    ['a generated model of 60 teams', () => generatedModel(60)],
  ];
  it.each(models)(
    'renders %s to the in-process bytes, in the same order',
    async (_, build) => {
      const model = build();
      const expected = texts(compileAccess(model).files);
      for (const workers of [1, 2, 3]) {
        const files = await createWorkerAccessRenderer({ workers, minProducts: 0 }).render(model);
        expect(texts(files)).toEqual(expected);
      }
    },
    60_000,
  );

  it('renders in process under minProducts, or with 0 workers', async () => {
    const model = exampleModel();
    const entry = fixture('crashing-render-worker.js');
    for (const renderer of [
      createWorkerAccessRenderer({ workers: 2, entry }),
      createWorkerAccessRenderer({ workers: 0, minProducts: 0, entry }),
    ])
      expect(texts(await renderer.render(model))).toEqual(texts(compileAccess(model).files));
  });

  it.each([
    ['throws', 'throwing-render-worker.js', 30_000, /generator exploded/],
    ['exits before answering', 'crashing-render-worker.js', 30_000, /exited with code 3/],
    ['never answers', 'silent-render-worker.js', 300, /no answer within 300 ms/],
  ])('rejects with UnavailableError when a worker %s', async (_, file, timeoutMs, message) => {
    const renderer = createWorkerAccessRenderer({
      workers: 2,
      minProducts: 0,
      timeoutMs,
      entry: fixture(file),
    });
    const rendering = renderer.render(exampleModel());
    await expect(rendering).rejects.toBeInstanceOf(UnavailableError);
    await expect(rendering).rejects.toThrow(message);
  });

  it('gives the API a 503-mapped error and renders again after a failure', async () => {
    let entry = fixture('throwing-render-worker.js');
    const compiler = createAccessCompilerService({
      renderer: {
        render: (model) =>
          createWorkerAccessRenderer({ workers: 2, minProducts: 0, entry }).render(model),
      },
    });
    const model = exampleModel();
    const api = createAccessCompilerApi({
      compiler,
      guard: { require: async () => {} } as never,
      model: () => model,
      directory: undefined,
    });
    const caller = { kind: 'user', id: 'admin' } as never;
    await expect(api.render(caller, {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    entry = renderWorkerEntry();
    const { files } = await api.render(caller, {});
    expect(files.map((file) => file.content)).toEqual(
      compileAccess(model).files.map((file) => file.content),
    );
  });
});
