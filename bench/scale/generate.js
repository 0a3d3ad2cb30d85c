// Generated data for bench/scale.js: claims as files, a tenancy model, tokens and a config.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POOLS = 1000;
export const READABLE_EVERY = 100; // the reader is a collaborator of every 100th product: 1 %
export const TYPES = ['dev', 'sue', 'staging', 'prod'];
export const SUBJECTS = {
  admin: 'bench.admin@example.com',
  reader: 'bench.reader@example.com',
  nobody: 'bench.nobody@example.com',
};

const pad = (n, width) => String(n).padStart(width, '0');
export const poolName = (p) => `pool-${pad(p, 4)}`;
const productName = (p) => `product-${pad(p, 4)}`;
export const envName = (i) => `env-${pad(i, 6)}`;
export const bucketOf = (dataDir) => join(dataDir, 'buckets', 'environments');

/** How many of the first `n` generated claims the 1 % reader may read. */
export function readableOf(n) {
  let readable = 0;
  for (let i = 0; i < n; i++) if ((i % POOLS) % READABLE_EVERY === 0) readable++;
  return readable;
}

/** Claim number `i`: types in turn, pools round-robin so the readable 1 % is spread through the name order. */
export function claimOf(i, now) {
  const type = TYPES[i % TYPES.length];
  const created = now - (i % 1440) * 60_000;
  return {
    environment_name: envName(i),
    environment_type: type,
    environment_pool: poolName(i % POOLS),
    user: `owner-${pad(i % 997, 3)}@example.com`,
    creation_date: new Date(created).toISOString(),
    ...(type === 'sue'
      ? { expiration_date: new Date(created + 6 * 86_400_000).toISOString() }
      : {}),
    deployment_method: 'dynamic',
    services: { 'user-service': 'v1.2.3', 'auth-service': 'v2.1.0', 'web-frontend': 'v3.0.1' },
  };
}

/**
 * Rejected document number `i`: an unknown type, a missing field, a name that is not a DNS
 * label, or broken JSON. (A name other than the file's is not a rejection: any key may
 * hold a claim.)
 */
function rejectedText(i, now) {
  const claim = claimOf(i, now);
  switch (i % 4) {
    case 0:
      return JSON.stringify({ ...claim, environment_type: 'no-such-type' });
    case 1: {
      const { user: _user, ...rest } = claim;
      return JSON.stringify(rest);
    }
    case 2:
      return JSON.stringify({ ...claim, environment_name: `Not_A_Label_${pad(i, 6)}` });
    default:
      return JSON.stringify(claim).slice(0, 40);
  }
}

/** Writes `count` claim files (valid, or all rejected) into `<dataDir>/buckets/environments`; returns bytes written. */
export function writeClaims(dataDir, count, { rejected = false, now = Date.now() } = {}) {
  const bucket = bucketOf(dataDir);
  mkdirSync(bucket, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const text = rejected ? rejectedText(i, now) : JSON.stringify(claimOf(i, now), null, 2);
    writeFileSync(join(bucket, `${envName(i)}.json`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** 1,000 products with one pool each; the reader collaborates on 1 % of them; admins by group. */
export function tenancyYaml() {
  const lines = [
    'platformAdmins:',
    '  groups: [platform-admins]',
    'organizations:',
    '  - name: bench',
    '    products:',
  ];
  for (let p = 0; p < POOLS; p++) {
    lines.push(
      `      - name: ${productName(p)}`,
      `        pools: [${poolName(p)}]`,
      '        members:',
      `          - user: dev-${pad(p, 4)}@example.com`,
      '            role: developer',
    );
    if (p % READABLE_EVERY === 0)
      lines.push(`          - user: ${SUBJECTS.reader}`, '            role: collaborator');
  }
  return `${lines.join('\n')}\n`;
}

/** One random token per subject, and the config entries holding their SHA-256. */
export function makeTokens() {
  const tokens = {};
  const entries = [];
  for (const [role, subject] of Object.entries(SUBJECTS)) {
    const token = randomBytes(24).toString('base64url');
    tokens[role] = token;
    entries.push({
      subject,
      groups: role === 'admin' ? ['platform-admins'] : [],
      sha256: createHash('sha256').update(token).digest('hex'),
    });
  }
  return { tokens, entries };
}

/**
 * The server's config as YAML (JSON is YAML). `store` keys are passed as given, so a run
 * can set `resyncInterval` or `watch`; everything else keeps the shipped defaults except
 * the log level (request logs would dominate) and the port.
 */
export function writeConfig(path, { port, tenancyPath, tokenEntries, store = {}, extra = {} }) {
  const config = {
    server: { host: '127.0.0.1', port },
    ...(Object.keys(store).length > 0 ? { store } : {}),
    auth: { tokens: tokenEntries },
    tenancy: tenancyPath,
    log: { level: 'warn' },
    ...extra,
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
