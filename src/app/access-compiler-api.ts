import { renderQuerySchema, whoCanQuerySchema } from '../api/schemas/access-compiler.js';
import type { z } from 'zod';
import { planCounts, type AccessPlan } from '../domain/access/access-plan.js';
import type { UserAccessReport } from '../domain/access/explain-user.js';
import { sha256 } from '../domain/access/manifest.js';
import type { WhoCanAnswer } from '../domain/access/who-can.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/shared/zod-errors.js';
import type { Tenancy } from '../domain/tenancy/tenancy-schema.js';
import type { AccessOutputDirectory } from '../ports/access-output-directory.js';
import type { Caller } from '../ports/principal.js';
import type { AccessCompilerService } from './access-compiler-service.js';
import type { AccessGuard } from './access-guard.js';

export interface RenderedFileView {
  readonly path: string;
  readonly tool: string;
  readonly sha256: string;
  readonly objects: readonly string[];
  readonly content: string;
}

export interface PlanView {
  readonly directory: string;
  readonly counts: ReturnType<typeof planCounts>;
  readonly changes: AccessPlan['changes'];
  readonly unchanged: number;
  readonly conflicts: readonly string[];
  readonly unmanaged: readonly string[];
}

/** The access compiler for platform admins over HTTP: the same service the CLI runs. */
export interface AccessCompilerApi {
  render(caller: Caller, query: Record<string, string>): Promise<{ files: RenderedFileView[] }>;
  plan(caller: Caller): Promise<PlanView>;
  apply(caller: Caller): Promise<PlanView>;
  explainUser(caller: Caller, user: string): Promise<UserAccessReport>;
  whoCan(caller: Caller, query: Record<string, string>): Promise<WhoCanAnswer>;
}

function parseQuery<T>(schema: z.ZodType<T>, query: Record<string, string>): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new InputError('Invalid query', toFieldErrors(parsed.error));
  return parsed.data;
}

function planView(directory: AccessOutputDirectory, plan: AccessPlan): PlanView {
  return {
    directory: directory.location,
    counts: planCounts(plan),
    changes: plan.changes,
    unchanged: plan.unchanged,
    conflicts: plan.conflicts,
    unmanaged: plan.unmanaged,
  };
}

export function createAccessCompilerApi(deps: {
  compiler: AccessCompilerService;
  guard: AccessGuard;
  /** The current tenancy model (the last good one the reloader accepted). */
  model: () => Tenancy;
  directory: AccessOutputDirectory | undefined;
}): AccessCompilerApi {
  const { compiler, guard, model } = deps;
  const platform = { kind: 'platform' } as const;
  const directory = (): AccessOutputDirectory => {
    if (!deps.directory)
      throw new NotFoundError(
        'No access output directory is configured: set access.outputDirectory in the config, or use platformctl access render',
      );
    return deps.directory;
  };
  return {
    async render(caller, query) {
      const { tool } = parseQuery(renderQuerySchema, query);
      await guard.require(caller, 'access:compile', platform);
      const files = await compiler.files(model());
      return {
        files: files
          .filter((file) => tool === undefined || file.path.startsWith(`${tool}/`))
          .map((file) => ({
            path: file.path,
            tool: file.path.slice(0, file.path.indexOf('/')),
            sha256: sha256(file.content),
            objects: file.objects,
            content: file.content,
          })),
      };
    },
    async plan(caller) {
      await guard.require(caller, 'access:compile', platform);
      const target = directory();
      return planView(target, await compiler.plan(model(), target));
    },
    async apply(caller) {
      await guard.require(caller, 'access:render', platform);
      const target = directory();
      return planView(target, await compiler.render(model(), target));
    },
    async explainUser(caller, user) {
      await guard.require(caller, 'access:compile', platform);
      if (user.trim() === '')
        throw new InputError('Invalid path', [{ path: 'user', message: 'must not be empty' }]);
      return compiler.explain(model(), user);
    },
    async whoCan(caller, query) {
      const parsed = parseQuery(whoCanQuerySchema, query);
      await guard.require(caller, 'access:compile', platform);
      return compiler.whoCan(model(), {
        tool: parsed.tool,
        level: parsed.level,
        ...(parsed.namespace === undefined ? {} : { namespace: parsed.namespace }),
      });
    },
  };
}
