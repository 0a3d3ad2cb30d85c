import type { Tenancy } from '../tenancy/tenancy-schema.js';
import { compileAccessGraph, type AccessGraph } from './access-graph.js';
import type { AccessFile, Grant, ToolOutput } from './access-output.js';
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

/** Every generator, in the order of the documented output layout. */
const GENERATORS: readonly ((graph: AccessGraph) => ToolOutput)[] = [
  compileIdp,
  compileKeycloak,
  compileKubernetes,
  compileArgoCd,
  compileGrafana,
  compileSonarQube,
  compileNexus,
  compileGerrit,
  compileAws,
  compileGitHub,
];

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
  const outputs = GENERATORS.map((generate) => generate(graph));
  const files = outputs.flatMap((output) => output.files);
  const seen = new Set<string>();
  for (const file of files) {
    // Two generators writing one path would make the render depend on their order.
    if (seen.has(file.path)) throw new TypeError(`two generators wrote ${file.path}`);
    seen.add(file.path);
  }
  let grants: Grant[] | undefined;
  return {
    graph,
    outputs,
    files: [...files].sort((a, b) => compareText(a.path, b.path)),
    // Read by `explain` and `who-can` only: gathered on first use.
    get grants() {
      grants ??= outputs.flatMap((output) => output.grants);
      return grants;
    },
  };
}
