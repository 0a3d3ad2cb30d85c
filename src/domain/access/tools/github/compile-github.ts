import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the github generator lands. */
export function compileGitHub(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'github', files: [], grants: [] };
}
