// The tests' own launchers (test/support/*.ts) for the benches: transpiled to JavaScript
// and imported, so benches and tests start Ceph RGW and PostgreSQL with the same code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const SUPPORT = fileURLToPath(new URL('../../test/support/', import.meta.url));
// Inside the repository, so the transpiled modules resolve packages (pg) from node_modules.
const OUT = fileURLToPath(
  new URL('../../node_modules/.cache/platform-bench-support/', import.meta.url),
);

/**
 * Transpiles `test/support/<name>.ts` and the local modules it imports, and imports it.
 * Types are not checked here; `tsc` does that for the tests.
 */
export async function loadTestSupport(name) {
  mkdirSync(OUT, { recursive: true });
  const pending = [name];
  const done = new Set();
  while (pending.length > 0) {
    const next = pending.pop();
    if (done.has(next)) continue;
    done.add(next);
    const { outputText } = ts.transpileModule(readFileSync(join(SUPPORT, `${next}.ts`), 'utf8'), {
      fileName: `${next}.ts`,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    for (const [, local] of outputText.matchAll(/from '\.\/([\w-]+)\.js'/g)) pending.push(local);
    writeFileSync(join(OUT, `${next}.js`), outputText);
  }
  return import(pathToFileURL(join(OUT, `${name}.js`)).href);
}
