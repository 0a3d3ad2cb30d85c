import type { Tenancy } from '../tenancy/tenancy-schema.js';
import { compileAccessGraph, type AccessGraph } from './access-graph.js';
import type { AccessFile, Grant, OutputTool, ToolOutput } from './access-output.js';
import { compileArgoCd } from './tools/argocd/compile-argocd.js';
import { compileAws } from './tools/aws/compile-aws.js';
import { compileGerrit } from './tools/gerrit/compile-gerrit.js';
import { compileGitHub } from './tools/github/compile-github.js';
import { compileGrafana } from './tools/grafana/compile-grafana.js';
import { compileIdp } from './tools/idp/compile-idp.js';
import { compileKeycloak } from './tools/keycloak/compile-keycloak.js';
import { compileKubernetes } from './tools/kubernetes/compile-kubernetes.js';
import { compileNexus } from './tools/nexus/compile-nexus.js';
import { compileSonarQube } from './tools/sonarqube/compile-sonarqube.js';
import { compareText } from './serialize.js';

/** Every generator by its output folder, in the order of the documented output layout. */
const GENERATORS: Readonly<Record<OutputTool, (graph: AccessGraph) => ToolOutput>> = {
  idp: compileIdp,
  keycloak: compileKeycloak,
  kubernetes: compileKubernetes,
  argocd: compileArgoCd,
  grafana: compileGrafana,
  sonarqube: compileSonarQube,
  nexus: compileNexus,
  gerrit: compileGerrit,
  aws: compileAws,
  github: compileGitHub,
};

export interface CompiledAccess {
  readonly graph: AccessGraph;
  readonly outputs: readonly ToolOutput[];
  /** Every file, sorted by path. */
  readonly files: readonly AccessFile[];
  readonly grants: readonly Grant[];
}

/**
 * The access compiler: a checked tenancy model in, every tool's configuration out. Pure:
 * the same model gives byte-identical files. Check the model first (`checkTenancy`); the
 * generators assume its cross-references hold.
 */
export function compileAccess(model: Tenancy): CompiledAccess {
  const graph = compileAccessGraph(model);
  const outputs = Object.values(GENERATORS).map((generate) => generate(graph));
  let grants: Grant[] | undefined;
  return {
    graph,
    outputs,
    files: mergeAccessFiles(outputs.map((output) => output.files)),
    // Read by `explain` and `who-can` only: gathered on first use.
    get grants() {
      grants ??= outputs.flatMap((output) => output.grants);
      return grants;
    },
  };
}

/**
 * The files of some tools only, as {@link compileAccess} renders them (same bytes), without
 * their grants: a share of a render that {@link mergeAccessFiles} joins with the others.
 * Each call resolves the graph again.
 */
export function compileAccessFiles(model: Tenancy, tools: readonly OutputTool[]): AccessFile[] {
  const graph = compileAccessGraph(model);
  return tools.flatMap((tool) => GENERATORS[tool](graph).files);
}

/**
 * Joins the files of disjoint sets of tools into one render: every file, sorted by path,
 * whatever order the parts come in.
 *
 * @throws TypeError when two parts hold one path.
 */
export function mergeAccessFiles(parts: readonly (readonly AccessFile[])[]): AccessFile[] {
  // Each part comes mostly sorted already: the built-in sort merges such runs in one pass.
  const files = parts.flat().sort((a, b) => compareText(a.path, b.path));
  for (let index = 1; index < files.length; index++) {
    const path = files[index]?.path;
    // Two generators writing one path would make the render depend on their order.
    if (path === files[index - 1]?.path) throw new TypeError(`two generators wrote ${path}`);
  }
  return files;
}
