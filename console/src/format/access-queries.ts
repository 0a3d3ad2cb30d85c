import type { z } from 'zod';
import type { explainQuerySchema } from '../../../src/api/schemas/access.js';
import type { whoCanQuerySchema } from '../../../src/api/schemas/access-compiler.js';
import { ACTIONS, ACTION_RESOURCE_KIND, type Action } from '../../../src/domain/policy/actions.js';

export type ExplainQuery = z.input<typeof explainQuerySchema>;
export type WhoCanQuery = z.input<typeof whoCanQuerySchema>;

/** The explain form as the console URL holds it (`/access?action=…&name=…`). */
export interface ExplainForm {
  readonly action: string;
  /** The environment's name, for an environment action. */
  readonly name: string;
  /** For a create: the pool and type the environment would have. */
  readonly pool: string;
  readonly type: string;
  /** `user:<subject>` or `service:<name>` to explain someone else (platform admins); '' = you. */
  readonly principal: string;
  /** IdP groups to assume, comma-separated (platform admins); '' = the principal's own. */
  readonly groups: string;
}

export const EXPLAIN_FIELDS = ['action', 'name', 'pool', 'type', 'principal', 'groups'] as const;

export type FieldErrors = Partial<Record<keyof ExplainForm, string>>;

export function explainFormFrom(search: URLSearchParams): ExplainForm {
  const get = (key: string) => search.get(key)?.trim() ?? '';
  return {
    action: get('action'),
    name: get('name'),
    pool: get('pool'),
    type: get('type'),
    principal: get('principal'),
    groups: get('groups'),
  };
}

export const isAction = (text: string): text is Action =>
  (ACTIONS as readonly string[]).includes(text);

/**
 * The explain request for a form, or what is missing. The resource follows the action:
 * `environment/<name>` (with pool and type for a create, as a create names an environment
 * that does not exist yet), `platform`, or the principal explained (`user/<subject>`).
 */
export function explainQueryOf(
  form: ExplainForm,
  me: { readonly subject: string; readonly kind: 'user' | 'service' },
): { query: ExplainQuery } | { errors: FieldErrors } {
  if (!isAction(form.action)) return { errors: { action: 'choose an action' } };
  const action = form.action;
  const principal = form.principal === '' ? undefined : form.principal;
  const errors: FieldErrors = {};
  let resource: string;
  switch (ACTION_RESOURCE_KIND[action]) {
    case 'platform':
      resource = 'platform';
      break;
    case 'principal':
      resource = principalResource(principal ?? `${me.kind}:${me.subject}`);
      break;
    case 'environment':
      if (form.name === '') errors.name = 'give the environment’s name';
      if (action === 'environment:create') {
        if (form.pool === '') errors.pool = 'a create needs the pool';
        if (form.type === '') errors.type = 'a create needs the type';
      }
      resource = `environment/${form.name}`;
      break;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const create = action === 'environment:create';
  return {
    query: {
      action,
      resource,
      ...(principal === undefined ? {} : { principal }),
      ...(form.groups === '' ? {} : { groups: form.groups }),
      ...(create ? { pool: form.pool, type: form.type } : {}),
    },
  };
}

/** `user:x` / `service:y` / `x` (a user) → the resource naming that principal. */
function principalResource(principal: string): string {
  if (principal.startsWith('service:')) return `service/${principal.slice('service:'.length)}`;
  if (principal.startsWith('user:')) return `user/${principal.slice('user:'.length)}`;
  return `user/${principal}`;
}

/** The server's field paths (`resource`, `pool`, …) → the form's fields. */
export function explainFieldOf(path: string): keyof ExplainForm | undefined {
  switch (path) {
    case 'action':
    case 'pool':
    case 'type':
    case 'principal':
    case 'groups':
      return path;
    case 'resource':
      return 'name';
    default:
      return undefined;
  }
}

/** The who-can query in a console URL (`tool`, `level`, `namespace`), when one is there. */
export function whoCanQueryFrom(search: URLSearchParams): WhoCanQuery | undefined {
  const tool = search.get('tool')?.trim() ?? '';
  const level = search.get('level')?.trim() ?? '';
  const namespace = search.get('namespace')?.trim() ?? '';
  if (tool === '' && level === '') return undefined;
  return {
    tool,
    // Any other text goes to the server as it is, which refuses it with its reason.
    level: level as WhoCanQuery['level'],
    ...(namespace === '' ? {} : { namespace }),
  };
}

/** An `/access` URL keeping the other sections' parameters and replacing `params`'. */
export function accessHref(
  current: URLSearchParams,
  params: Readonly<Record<string, string>>,
  clear: readonly string[] = [],
): string {
  const search = new URLSearchParams(current);
  for (const key of clear) search.delete(key);
  for (const [key, value] of Object.entries(params)) {
    if (value.trim() === '') search.delete(key);
    else search.set(key, value.trim());
  }
  const text = search.toString();
  return `/access${text === '' ? '' : `?${text}`}`;
}
