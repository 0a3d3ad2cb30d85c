import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the kubernetes generator lands. */
export function compileKubernetes(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'kubernetes', files: [], grants: [] };
}
