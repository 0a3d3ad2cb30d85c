/** Cedar entity type names of the platform's schema (namespace `Platform`). */
export const ENTITY = {
  user: 'Platform::User',
  serviceAccount: 'Platform::ServiceAccount',
  group: 'Platform::Group',
  product: 'Platform::Product',
  pool: 'Platform::Pool',
  namespace: 'Platform::Namespace',
  environment: 'Platform::Environment',
  system: 'Platform::System',
  action: 'Platform::Action',
} as const;

/** The one `System` entity: the platform itself, resource of catalogue and admin actions. */
export const SYSTEM_ID = 'platform';

/**
 * A Cedar string literal. Cedar escapes like Rust (`\u{…}`), not like JSON (`\uXXXX`), so
 * JSON.stringify is not enough for names with control or non-ASCII characters.
 */
export function cedarString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

export const entityRef = (type: string, id: string): string => `${type}::${cedarString(id)}`;
export const actionRef = (action: string): string => entityRef(ENTITY.action, action);
