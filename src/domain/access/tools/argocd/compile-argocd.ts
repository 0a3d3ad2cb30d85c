import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the argocd generator lands. */
export function compileArgoCd(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'argocd', files: [], grants: [] };
}
