import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RenderedStore } from '../../src/ports/rendered-store.js';
import { withHarness } from './with-harness.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const text = (body: Uint8Array | undefined): string | undefined =>
  body === undefined ? undefined : Buffer.from(body).toString('utf8');

export interface RenderedStoreHarness {
  readonly store: RenderedStore;
  /** A mark that changes whenever a write reaches the storage (a PUT count, inodes). */
  writeMark(): Promise<string>;
  /** Writes a rendered file as another process would (no metadata), e.g. `mc cp`. */
  writeOutOfBand(environment: string, path: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The behaviour every `RenderedStore` adapter must have (fs and S3). Each adapter's test
 * file calls this with a factory for a fresh, empty store.
 */
export function describeRenderedStoreContract(
  name: string,
  create: () => Promise<RenderedStoreHarness>,
): void {
  describe(`RenderedStore contract: ${name}`, () => {
    const withStore = withHarness(create);

    it(
      'hashes what was written, by path, sorted; nothing for an unknown environment',
      withStore(async ({ store }) => {
        expect(await store.hashes('dev-a')).toEqual(new Map());
        await store.writeFile('dev-a', 'platform/cluster-claim.yaml', bytes('two'));
        await store.writeFile('dev-a', 'environment/services/user-service.yaml', bytes('one'));
        await store.writeFile('dev-b', 'a.yaml', bytes('other'));
        const hashes = await store.hashes('dev-a');
        expect([...hashes]).toEqual([
          ['environment/services/user-service.yaml', sha('one')],
          ['platform/cluster-claim.yaml', sha('two')],
        ]);
        expect(await store.hashes('dev')).toEqual(new Map());
      }),
    );

    it(
      'a replaced file hashes anew, also when the hashes were read before',
      withStore(async ({ store }) => {
        await store.writeFile('dev-a', 'a.yaml', bytes('one'));
        expect(await store.hashes('dev-a')).toEqual(new Map([['a.yaml', sha('one')]]));
        await store.writeFile('dev-a', 'a.yaml', bytes('two'));
        expect(await store.hashes('dev-a')).toEqual(new Map([['a.yaml', sha('two')]]));
      }),
    );

    it(
      'hashes a file written by someone else by its content',
      withStore(async (harness) => {
        const { store } = harness;
        await store.writeFile('dev-a', 'a.yaml', bytes('one'));
        expect(await store.hashes('dev-a')).toEqual(new Map([['a.yaml', sha('one')]]));
        await harness.writeOutOfBand('dev-a', 'a.yaml', 'changed by hand');
        await harness.writeOutOfBand('dev-a', 'b/c.yaml', 'added by hand');
        expect(await store.hashes('dev-a')).toEqual(
          new Map([
            ['a.yaml', sha('changed by hand')],
            ['b/c.yaml', sha('added by hand')],
          ]),
        );
      }),
    );

    it(
      'reading hashes writes nothing: an unchanged render that compares first costs no write',
      withStore(async (harness) => {
        const { store } = harness;
        await store.writeFile('dev-a', 'a.yaml', bytes('one'));
        await store.writeFile('dev-a', 'b/c.yaml', bytes('two'));
        const before = await harness.writeMark();
        const first = await store.hashes('dev-a');
        const second = await store.hashes('dev-a');
        expect(second).toEqual(first);
        expect(await harness.writeMark()).toBe(before);
        // The mark itself can tell: a write (even of the same bytes) moves it.
        await store.writeFile('dev-a', 'a.yaml', bytes('one'));
        expect(await harness.writeMark()).not.toBe(before);
      }),
    );

    it(
      'removes one file (absent is fine) and leaves the others',
      withStore(async ({ store }) => {
        await store.writeFile('dev-a', 'x/a.yaml', bytes('a'));
        await store.writeFile('dev-a', 'b.yaml', bytes('b'));
        await store.hashes('dev-a');
        await store.removeFile('dev-a', 'x/a.yaml');
        await store.removeFile('dev-a', 'x/never.yaml');
        expect(await store.hashes('dev-a')).toEqual(new Map([['b.yaml', sha('b')]]));
        expect(await store.environments()).toEqual(['dev-a']);
      }),
    );

    it(
      'keeps a record round trip, apart from the files',
      withStore(async ({ store }) => {
        expect(await store.readRecord('dev-a')).toBeUndefined();
        await store.writeRecord('dev-a', bytes('{"revision":1}'));
        await store.writeRecord('dev-a', bytes('{"revision":2}'));
        expect(text(await store.readRecord('dev-a'))).toBe('{"revision":2}');
        expect(await store.hashes('dev-a')).toEqual(new Map());
        expect(await store.readRecord('dev-b')).toBeUndefined();
      }),
    );

    it(
      'lists environments with files or a record, sorted, once each',
      withStore(async ({ store }) => {
        expect(await store.environments()).toEqual([]);
        await store.writeFile('sue-b', 'a.yaml', bytes('a'));
        await store.writeRecord('sue-b', bytes('{}'));
        await store.writeRecord('dev-c', bytes('{}'));
        await store.writeFile('dev-a', 'deep/er/a.yaml', bytes('a'));
        await store.writeFile('dev-a.1', 'a.yaml', bytes('a'));
        expect(await store.environments()).toEqual(['dev-a', 'dev-a.1', 'dev-c', 'sue-b']);
      }),
    );

    it(
      'removes an environment: every file and the record; false when there was nothing',
      withStore(async ({ store }) => {
        await store.writeFile('dev-a', 'a.yaml', bytes('a'));
        await store.writeFile('dev-a', 'x/y/z.yaml', bytes('z'));
        await store.writeRecord('dev-a', bytes('{}'));
        // A neighbour whose name starts the same must survive (a prefix, not a glob).
        await store.writeFile('dev-ab', 'a.yaml', bytes('keep'));
        await store.writeRecord('dev-ab', bytes('{}'));
        expect(await store.removeEnvironment('dev-a')).toBe(true);
        expect(await store.hashes('dev-a')).toEqual(new Map());
        expect(await store.readRecord('dev-a')).toBeUndefined();
        expect(await store.environments()).toEqual(['dev-ab']);
        expect(await store.hashes('dev-ab')).toEqual(new Map([['a.yaml', sha('keep')]]));
        expect(await store.removeEnvironment('dev-a')).toBe(false);
        expect(await store.removeEnvironment('never')).toBe(false);
      }),
    );

    it(
      'removes an environment that has only a record, or only files',
      withStore(async ({ store }) => {
        await store.writeRecord('rec-only', bytes('{}'));
        await store.writeFile('files-only', 'a.yaml', bytes('a'));
        expect(await store.removeEnvironment('rec-only')).toBe(true);
        expect(await store.removeEnvironment('files-only')).toBe(true);
        expect(await store.environments()).toEqual([]);
      }),
    );

    it(
      'takes dots, dashes and underscores in names and paths; refuses escapes and hidden names',
      withStore(async ({ store }) => {
        await store.writeFile('dev_a.b-1', 'environment/svc_1.v2-x.yaml', bytes('a'));
        expect([...(await store.hashes('dev_a.b-1')).keys()]).toEqual([
          'environment/svc_1.v2-x.yaml',
        ]);
        const bad: [string, string][] = [
          ['dev-a', '../escape.yaml'],
          ['dev-a', 'a/../../b.yaml'],
          ['dev-a', '.hidden.yaml'],
          ['dev-a', 'a//b.yaml'],
          ['dev-a', '/absolute.yaml'],
          ['dev-a', 'sp ace.yaml'],
          ['..', 'a.yaml'],
          ['a/b', 'a.yaml'],
          ['', 'a.yaml'],
        ];
        for (const [environment, path] of bad) {
          await expect(
            store.writeFile(environment, path, bytes('x')),
            `${environment} ${path}`,
          ).rejects.toThrow(TypeError);
        }
        await expect(store.writeRecord('../x', bytes('{}'))).rejects.toThrow(TypeError);
        await expect(store.removeEnvironment('a/b')).rejects.toThrow(TypeError);
        expect(await store.environments()).toEqual(['dev_a.b-1']);
      }),
    );
  });
}
