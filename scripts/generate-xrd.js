// Writes deploy/crossplane/xrd.yaml from the zod schema of EnvironmentCluster claims
// (src/domain/render/cluster-claim-schema.ts), so the XRD the platform ships and the claims
// the renderer validates cannot drift apart. Reads the compiled code: build first.
//   npm run build && node scripts/generate-xrd.js           # write the file
//   npm run build && node scripts/generate-xrd.js --check   # exit 1 when it is stale
// The test test/render/crossplane-files.test.ts fails on a stale file too, and rewrites it
// when run with UPDATE_XRD=1.
import { readFile, writeFile } from 'node:fs/promises';
import { clusterXrdYaml, XRD_PATH } from '../dist/domain/render/cluster-xrd.js';

const target = new URL(`../${XRD_PATH}`, import.meta.url);
const wanted = clusterXrdYaml();
const current = await readFile(target, 'utf8').catch(() => undefined);

if (process.argv.includes('--check')) {
  if (current !== wanted) {
    console.error(`${XRD_PATH} is stale: run \`npm run build && node scripts/generate-xrd.js\``);
    process.exitCode = 1;
  }
} else if (current === wanted) {
  console.log(`${XRD_PATH} is up to date`);
} else {
  await writeFile(target, wanted, 'utf8');
  console.log(`wrote ${XRD_PATH}`);
}
