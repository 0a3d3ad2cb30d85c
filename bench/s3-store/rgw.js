// Ceph RGW for bench/s3-store.js: the tests' launcher (test/support/ceph-rgw.ts) and
// topic helper (test/support/rgw-topics.ts), built into the bench's temp dir rather than
// copied.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const SUPPORT = fileURLToPath(new URL('../../test/support/', import.meta.url));

/**
 * Transpiles the tests' launcher and topic helper, and the local modules they import, to
 * JavaScript in `outDir` and imports them: the bench and the tests start RGW and create
 * topics with the same code. Types are not checked here; `tsc` does that for the tests.
 */
export async function loadRgwLauncher(outDir) {
  const pending = ['ceph-rgw', 'rgw-topics'];
  const done = new Set();
  while (pending.length > 0) {
    const name = pending.pop();
    if (done.has(name)) continue;
    done.add(name);
    const { outputText } = ts.transpileModule(readFileSync(join(SUPPORT, `${name}.ts`), 'utf8'), {
      fileName: `${name}.ts`,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    for (const [, local] of outputText.matchAll(/from '\.\/([\w-]+)\.js'/g)) pending.push(local);
    writeFileSync(join(outDir, `${name}.js`), outputText);
  }
  const { startCephRgw } = await import(pathToFileURL(join(outDir, 'ceph-rgw.js')).href);
  const { createRgwTopic } = await import(pathToFileURL(join(outDir, 'rgw-topics.js')).href);
  return { startCephRgw, createRgwTopic };
}
