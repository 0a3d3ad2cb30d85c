import { planAccess, type AccessPlan } from '../domain/access/access-plan.js';
import type { AccessFile, GrantLevel } from '../domain/access/access-output.js';
import { compileAccess, type CompiledAccess } from '../domain/access/compile-access.js';
import { explainUser, type UserAccessReport } from '../domain/access/explain-user.js';
import { buildManifest, sha256 } from '../domain/access/manifest.js';
import { whoCan, type WhoCanAnswer } from '../domain/access/who-can.js';
import { canonicalJson, type JsonValue } from '../domain/audit/canonical-json.js';
import { ConflictError } from '../domain/errors.js';
import type { Tenancy } from '../domain/tenancy/tenancy-schema.js';
import type { AccessFileRenderer } from '../ports/access-file-renderer.js';
import type { AccessOutputDirectory } from '../ports/access-output-directory.js';

export interface AccessCompilerService {
  /** Compiles a (checked) model; the last result is kept, so API calls stay cheap. */
  readonly compile: (model: Tenancy) => CompiledAccess;
  /** Every file of a (checked) model, from the renderer; the last result is kept too. */
  readonly files: (model: Tenancy) => Promise<readonly AccessFile[]>;
  readonly plan: (model: Tenancy, directory: AccessOutputDirectory) => Promise<AccessPlan>;
  /** Applies the plan; refuses (409) while a hand-made file sits at a generated path. */
  readonly render: (model: Tenancy, directory: AccessOutputDirectory) => Promise<AccessPlan>;
  readonly explain: (model: Tenancy, user: string) => UserAccessReport;
  readonly whoCan: (
    model: Tenancy,
    query: { tool: string; level: GrantLevel; namespace?: string },
  ) => WhoCanAnswer;
}

/** SHA-256 of the model's canonical JSON: the manifest records what a render came from. */
export function modelHash(model: Tenancy): string {
  return sha256(canonicalJson(model as unknown as JsonValue));
}

/**
 * The access compiler's use cases. `plan`, `render` and `files` take the files from
 * `renderer` (worker threads in the composition root); without one, and for `explain` and
 * `who-can`, which need the grants, the compiler runs in process.
 */
export function createAccessCompilerService(
  deps: { renderer?: AccessFileRenderer } = {},
): AccessCompilerService {
  let last: { model: Tenancy; compiled: CompiledAccess } | undefined;
  let lastFiles: { model: Tenancy; files: Promise<readonly AccessFile[]> } | undefined;
  const compile = (model: Tenancy): CompiledAccess => {
    if (last?.model !== model) last = { model, compiled: compileAccess(model) };
    return last.compiled;
  };
  const files = (model: Tenancy): Promise<readonly AccessFile[]> => {
    const { renderer } = deps;
    if (!renderer || last?.model === model) return Promise.resolve(compile(model).files);
    if (lastFiles?.model !== model) {
      const rendered = renderer.render(model);
      lastFiles = { model, files: rendered };
      // A failed render is not kept: the next call tries again.
      rendered.catch(() => {
        if (lastFiles?.files === rendered) lastFiles = undefined;
      });
    }
    return lastFiles.files;
  };
  const plan = async (model: Tenancy, directory: AccessOutputDirectory): Promise<AccessPlan> => {
    const rendered = await files(model);
    const [manifest, onDisk] = await Promise.all([directory.readManifest(), directory.hashes()]);
    return planAccess(rendered, manifest, onDisk);
  };
  return {
    compile,
    files,
    plan,
    render: async (model, directory) => {
      const planned = await plan(model, directory);
      if (planned.conflicts.length > 0)
        throw new ConflictError(
          `${planned.conflicts.length} hand-made file(s) in ${directory.location} sit where the compiler writes (${planned.conflicts.slice(0, 3).join(', ')}${planned.conflicts.length > 3 ? ', …' : ''}); move them away and render again`,
        );
      await directory.apply({
        writes: planned.writes,
        removals: planned.removals,
        manifest: buildManifest(await files(model), modelHash(model)),
      });
      return planned;
    },
    explain: (model, user) => {
      const { graph, grants } = compile(model);
      return explainUser(graph, grants, user);
    },
    whoCan: (model, query) => {
      const { graph, grants } = compile(model);
      return whoCan(graph, grants, query);
    },
  };
}
