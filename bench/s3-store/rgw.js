// Ceph RGW for bench/s3-store.js: the tests' launcher (test/support/ceph-rgw.ts), built
// into the bench's temp dir rather than copied, and RGW's SNS-style topic for notifications.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import ts from 'typescript';

const SUPPORT = fileURLToPath(new URL('../../test/support/', import.meta.url));

/**
 * Transpiles the vitest launcher, and the local modules it imports, to JavaScript in
 * `outDir` and imports it: the bench and the tests start RGW with the same code
 * (`startCephRgw`). Types are not checked here; `tsc` does that for the tests.
 */
export async function loadRgwLauncher(outDir) {
  const pending = ['ceph-rgw'];
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
  return import(pathToFileURL(join(outDir, 'ceph-rgw.js')).href);
}

/** SHA-256 / HMAC for the SDK's signer, from node:crypto. */
class NodeSha256 {
  constructor(secret) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data) {
    this.hash.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/**
 * Creates an RGW topic (RGW's SNS-compatible `CreateTopic`, SigV4-signed) pushing to
 * `pushEndpoint`; resolves with its ARN for `PutBucketNotificationConfiguration`.
 */
export async function createTopic(rgw, { name, pushEndpoint, persistent }) {
  const url = new URL(rgw.endpoint);
  const body = new URLSearchParams({
    Action: 'CreateTopic',
    Name: name,
    'Attributes.entry.1.key': 'push-endpoint',
    'Attributes.entry.1.value': pushEndpoint,
    'Attributes.entry.2.key': 'persistent',
    'Attributes.entry.2.value': String(persistent),
  }).toString();
  const signer = new SignatureV4({
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    region: rgw.region,
    service: 'sns',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
  const { status, text } = await new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/', method: 'POST', headers: signed.headers },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, text }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text);
  if (status !== 200 || !arn) throw new Error(`CreateTopic answered ${status}: ${text}`);
  return arn[1];
}
