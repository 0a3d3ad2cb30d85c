// Writes a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside each text file
// of the built console (dist/console), which `platformctl serve` then sends as they are to
// clients that accept them. Run by `npm run build` after Vite: compressing at build costs
// nothing per request and gets the best ratio (brotli 11 takes half a second on the console's
// script; the server compresses files without a copy itself, faster and a little larger).
// Source maps are left out: only developer tools fetch them. A copy that is not smaller is
// not written.
//   node scripts/precompress-console.js [DIR]     # default dist/console
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const TEXT = /\.(html|js|mjs|css|svg|json|webmanifest|txt)$/;
const directory = process.argv[2] ?? fileURLToPath(new URL('../dist/console/', import.meta.url));
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const names = (await readdir(directory, { recursive: true })).filter((name) => TEXT.test(name));
let before = 0;
let after = 0;
await Promise.all(
  names.map(async (name) => {
    const path = join(directory, name);
    const body = await readFile(path);
    const [br, gz] = await Promise.all([
      brotli(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      }),
      gzipAsync(body, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    if (br.byteLength < body.byteLength) await writeFile(`${path}.br`, br);
    if (gz.byteLength < body.byteLength) await writeFile(`${path}.gz`, gz);
    before += body.byteLength;
    after += Math.min(br.byteLength, body.byteLength);
  }),
);
console.log(
  `precompressed ${names.length} console files: ${(before / 1024).toFixed(1)} KB → ${(after / 1024).toFixed(1)} KB (brotli)`,
);
