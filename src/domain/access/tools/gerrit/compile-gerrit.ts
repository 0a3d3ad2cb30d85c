import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the gerrit generator lands. */
export function compileGerrit(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'gerrit', files: [], grants: [] };
}
