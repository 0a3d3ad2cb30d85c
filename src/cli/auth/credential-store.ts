import { chmod, mkdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { publishReplacing, writeTemp } from '../../adapters/fs-store/atomic-write.js';
import { InputError } from '../../domain/errors.js';

/** One server's login. Tokens are secrets: nothing here is ever printed. */
export interface StoredCredential {
  /** `oidc`: from `platformctl login` (device flow); `service-token`: from `--token-stdin`. */
  readonly kind: 'oidc' | 'service-token';
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  /** Epoch milliseconds; absent: the token does not expire as far as the CLI knows. */
  readonly expiresAt?: number | undefined;
  readonly issuer?: string | undefined;
  readonly clientId?: string | undefined;
  readonly tokenEndpoint?: string | undefined;
  /** Sent again on refresh, so the new token keeps the platform's audience (RFC 8707 §2.2). */
  readonly resource?: string | undefined;
}

/** The cache file: logins keyed by normalised server URL (`normaliseServerUrl`). */
export interface CredentialsFile {
  readonly version: 1;
  readonly servers: Readonly<Record<string, StoredCredential>>;
}

const credentialSchema = z.object({
  kind: z.enum(['oidc', 'service-token']),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().optional(),
  issuer: z.string().optional(),
  clientId: z.string().optional(),
  tokenEndpoint: z.string().optional(),
  resource: z.string().optional(),
});
const fileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), credentialSchema),
});

const EMPTY: CredentialsFile = { version: 1, servers: {} };

/**
 * `$XDG_CONFIG_HOME/platformctl/credentials.json`, or `~/.config/platformctl/…` when the
 * variable is unset, empty or relative (the XDG Base Directory spec says to ignore those).
 */
export function credentialsPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : join(env['HOME'] || homedir(), '.config');
  return join(base, 'platformctl', 'credentials.json');
}

/** The cache at `path`; an empty one when there is no file yet. */
export async function readCredentials(path: string): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    // Never quote the content: it holds tokens.
    throw new InputError(
      `the credential cache ${path} is damaged; delete it and run platformctl login again`,
    );
  }
  return parsed.data;
}

/**
 * Replaces the cache at `path` atomically: a temp file created 0600, written, synced and
 * renamed over the old one, in a directory set to 0700. Both modes are set with chmod too,
 * because `mode` at creation is filtered by the umask and an existing directory keeps its
 * own. A reader sees the old file or the new one, never half of one.
 */
export async function writeCredentials(path: string, file: CredentialsFile): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
  const body = Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
  const temp = await writeTemp(path, body, { mode: 0o600 });
  try {
    await chmod(temp, 0o600);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await publishReplacing(temp, path);
}

/** The cache with `server`'s login set to `credential` (`undefined`: removed). */
export function withCredential(
  file: CredentialsFile,
  server: string,
  credential: StoredCredential | undefined,
): CredentialsFile {
  const servers = { ...file.servers };
  if (credential === undefined) delete servers[server];
  else servers[server] = credential;
  return { version: 1, servers };
}
