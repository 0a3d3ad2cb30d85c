/**
 * What the access compiler produces: files for the tools to apply, and the grants those
 * files make, so `explain`, `who-can` and the entitlement property read the same facts the
 * files carry instead of a second copy of the rules.
 */

/** Where an output goes (`DIR/<tool>/…`), in the order `render` documents them. */
export const OUTPUT_TOOLS = [
  'idp',
  'keycloak',
  'kubernetes',
  'argocd',
  'grafana',
  'sonarqube',
  'nexus',
  'gerrit',
  'aws',
  'github',
] as const;
export type OutputTool = (typeof OUTPUT_TOOLS)[number];

/** One file, owned by the compiler as a whole; `objects` name what it holds, for `plan`. */
export interface AccessFile {
  /** Relative to the output directory, `/`-separated, starting with the tool's folder. */
  readonly path: string;
  readonly content: string;
  readonly objects: readonly string[];
}

/** Levels, ordered: a grant at a level also satisfies the levels below it. */
export const GRANT_LEVELS = ['read', 'write', 'admin'] as const;
export type GrantLevel = (typeof GRANT_LEVELS)[number];

export interface GrantSubject {
  readonly kind: 'user' | 'group' | 'serviceAccount' | 'repository';
  readonly name: string;
}

/**
 * One permission a generated file gives one subject. `tool` is the system that enforces it
 * (`kubernetes`, `argocd`, `aws`, …), `permission` its own word for it (`ClusterRole view`,
 * `Editor`, `role/koa-secrets`), `level` the normalised strength for `who-can`.
 */
export interface Grant {
  readonly tool: string;
  readonly subject: GrantSubject;
  readonly permission: string;
  readonly level: GrantLevel;
  /** What it applies to: the product always; a namespace, cluster or realm where scoped. */
  readonly product?: string;
  readonly namespace?: string;
  readonly cluster?: string;
  readonly realm?: string;
  /** The repository (`owner/repo`) a GitHub grant is on. */
  readonly repository?: string;
  /** The file that makes the grant. */
  readonly file: string;
}

export interface ToolOutput {
  readonly tool: OutputTool;
  readonly files: readonly AccessFile[];
  readonly grants: readonly Grant[];
}

export function levelAtLeast(level: GrantLevel, minimum: GrantLevel): boolean {
  return GRANT_LEVELS.indexOf(level) >= GRANT_LEVELS.indexOf(minimum);
}
