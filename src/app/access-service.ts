import { explainQuerySchema } from '../api/schemas/access.js';
import type { whoAmISchema } from '../api/schemas/session.js';
import type { z } from 'zod';
import { ACTIONS, ACTION_RESOURCE_KIND, type Action } from '../domain/policy/actions.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import { dnsLabelProblem } from '../domain/claims/names.js';
import type { AccessModelStatus } from '../ports/access-source.js';
import type { Authorizer, GroupPath, Resource } from '../ports/authorizer.js';
import type { ClaimIndex } from '../ports/claim-index.js';
import type { Caller, Principal } from '../ports/principal.js';
import type { AccessGuard } from './access-guard.js';
import { toEnvironmentResource } from './environment-view.js';

export interface ExplainResult {
  readonly decision: 'allow' | 'deny';
  readonly principal: {
    readonly subject: string;
    readonly kind: string;
    readonly groups: readonly string[];
  };
  readonly action: string;
  readonly resource: string;
  readonly policy_ids: readonly string[];
  readonly via: readonly GroupPath[];
  readonly memberships: readonly GroupPath[];
}

export interface AccessService {
  explain(caller: Caller, query: Record<string, string>): Promise<ExplainResult>;
  tenancyStatus(caller: Caller): Promise<AccessModelStatus>;
  /** The caller, and what it may do on the platform and where it may create environments. */
  whoAmI(caller: Caller): Promise<WhoAmI>;
}

export type WhoAmI = z.infer<typeof whoAmISchema>;

/** `groups=a, b` → `['a', 'b']`; absent → none. */
const parseGroups = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');

function parsePrincipal(text: string): Pick<Principal, 'kind' | 'subject'> {
  const principal: Pick<Principal, 'kind' | 'subject'> = text.startsWith('service:')
    ? { kind: 'service', subject: text.slice(8) }
    : text.startsWith('user:')
      ? { kind: 'user', subject: text.slice(5) }
      : { kind: 'user', subject: text };
  if (principal.subject.trim() === '')
    throw new InputError('Invalid query', [
      { path: 'principal', message: 'must name a subject: user:<subject> or service:<name>' },
    ]);
  return principal;
}

/** `access explain` and the tenancy status: how the platform sees who may do what. */
export function createAccessService(deps: {
  authorizer: Authorizer;
  guard: AccessGuard;
  index: ClaimIndex;
  status: () => AccessModelStatus;
  /** The pools of the tenancy model in force, and the environment types of the catalogue. */
  pools: () => readonly string[];
  types: () => readonly string[];
}): AccessService {
  const { authorizer, guard, index } = deps;

  async function resourceOf(
    text: string,
    query: z.infer<typeof explainQuerySchema>,
    principal: Principal,
  ): Promise<Resource> {
    if (text === 'platform') return { kind: 'platform' };
    const slash = text.indexOf('/');
    const [kind, name] = slash < 0 ? [text, ''] : [text.slice(0, slash), text.slice(slash + 1)];
    if (name !== '' && (kind === 'user' || kind === 'service'))
      return { kind: 'principal', subject: name, principalKind: kind };
    if (name !== '' && kind === 'environment') {
      const problems = [
        ['resource', dnsLabelProblem(name)],
        ['pool', query.pool === undefined ? undefined : dnsLabelProblem(query.pool)],
        ['type', query.type === undefined ? undefined : dnsLabelProblem(query.type)],
      ].flatMap(([path, message]) =>
        message === undefined ? [] : [{ path: path ?? '', message }],
      );
      if (problems.length > 0) throw new InputError('Invalid query', problems);
      const environment = await index.get(name);
      if (environment) return toEnvironmentResource(environment);
      if (query.pool !== undefined && query.type !== undefined)
        return {
          kind: 'environment',
          name,
          pool: query.pool,
          type: query.type,
          owner: principal.subject,
          static: false,
        };
      throw new NotFoundError(
        `environment '${name}' not found; to explain a create, give pool= and type= as well`,
      );
    }
    throw new InputError('Invalid query', [
      {
        path: 'resource',
        message: 'must be environment/<name>, platform, user/<subject> or service/<name>',
      },
    ]);
  }

  return {
    async explain(caller, rawQuery) {
      const parsed = explainQuerySchema.safeParse(rawQuery);
      if (!parsed.success) throw new InputError('Invalid query', toFieldErrors(parsed.error));
      const query = parsed.data;
      const who = query.principal === undefined ? caller : parsePrincipal(query.principal);
      const self = who.kind === caller.kind && who.subject === caller.subject;
      await guard.require(caller, 'access:explain', {
        kind: 'principal',
        subject: who.subject,
        principalKind: who.kind,
      });
      // Assumed groups the caller does not hold make it someone else: what a group may do
      // to a named environment is for those allowed to explain others (platform admins).
      const assumed = parseGroups(query.groups);
      const foreign = assumed.filter((group) => !caller.groups.includes(group));
      if (self && foreign.length > 0) {
        await guard.require(caller, 'access:explain', {
          kind: 'principal',
          subject: `${caller.subject} with groups ${foreign.join(', ')}`,
          principalKind: caller.kind,
        });
      }
      const principal: Principal = {
        ...who,
        groups: query.groups !== undefined ? assumed : self ? caller.groups : [],
        authenticatedBy: self ? caller.authenticatedBy : 'explain',
        ...(self && caller.scopes ? { scopes: caller.scopes } : {}),
      };
      const resource = await resourceOf(query.resource, query, principal);
      const expected = ACTION_RESOURCE_KIND[query.action];
      if (expected !== resource.kind)
        throw new InputError('Invalid query', [
          { path: 'resource', message: `${query.action} applies to a ${expected} resource` },
        ]);
      const explanation = await authorizer.explain({ principal, action: query.action, resource });
      return {
        decision: explanation.allowed ? 'allow' : 'deny',
        principal: { subject: principal.subject, kind: principal.kind, groups: principal.groups },
        action: query.action,
        resource: query.resource,
        policy_ids: explanation.policyIds,
        via: explanation.via,
        memberships: explanation.memberships,
      };
    },
    async whoAmI(caller) {
      // Asked of the authorizer, not the guard: these are questions about the caller's own
      // rights, answered to the caller, not attempts to act (which the guard audits).
      const allows = async (action: Action, resource: Resource): Promise<boolean> =>
        (await authorizer.authorize({ principal: caller, action, resource })).allowed;
      const platformActions = ACTIONS.filter(
        (action) => ACTION_RESOURCE_KIND[action] === 'platform',
      );
      const allowed = await Promise.all(
        platformActions.map((action) => allows(action, { kind: 'platform' })),
      );
      // A pool no tenancy model names: who may create there may create anywhere.
      const anyPool = 'whoami-probe-unnamed-pool';
      const create = await Promise.all(
        [...deps.pools(), anyPool].map(async (pool) => {
          const types = await Promise.all(
            deps.types().map(async (type) => {
              const resource: Resource = {
                kind: 'environment',
                name: 'whoami-probe',
                pool,
                type,
                owner: caller.subject,
                static: false,
              };
              return (await allows('environment:create', resource)) ? [type] : [];
            }),
          );
          return { pool, types: types.flat() };
        }),
      );
      return {
        subject: caller.subject,
        kind: caller.kind,
        groups: [...caller.groups],
        platform_actions: platformActions.filter((_action, i) => allowed[i]),
        create: create.filter((entry) => entry.pool !== anyPool && entry.types.length > 0),
        create_any_pool: create.find((entry) => entry.pool === anyPool)?.types ?? [],
      };
    },
    async tenancyStatus(caller) {
      await guard.require(caller, 'tenancy:read', { kind: 'platform' });
      return deps.status();
    },
  };
}
