import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessFile } from './access-output.js';
import { mergeAccessFiles } from './compile-access.js';
import { compareText } from './serialize.js';

const file = (path: string): AccessFile => ({ path, content: `${path}\n`, objects: [] });

describe('mergeAccessFiles', () => {
  it('joins the parts into one list sorted by path, whatever order they come in', () => {
    const paths = fc.uniqueArray(fc.stringMatching(/^[a-c]{1,3}\/[a-z0-9]{1,4}$/), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(paths, fc.array(fc.nat(3)), (all, cuts) => {
        // Deal the paths into up to four parts, each in the order the paths were drawn.
        const parts: AccessFile[][] = [[], [], [], []];
        all.forEach((path, index) => parts[(cuts[index] ?? 0) % 4]?.push(file(path)));
        const merged = mergeAccessFiles(parts).map((each) => each.path);
        expect(merged).toEqual([...all].sort(compareText));
      }),
    );
  });

  it('refuses two parts that write one path', () => {
    const parts = [[file('argocd/a.yaml'), file('kubernetes/x.yaml')], [file('argocd/a.yaml')]];
    expect(() => mergeAccessFiles(parts)).toThrow('two generators wrote argocd/a.yaml');
  });
});
