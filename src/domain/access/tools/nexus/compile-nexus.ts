import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the nexus generator lands. */
export function compileNexus(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'nexus', files: [], grants: [] };
}
