import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the keycloak generator lands. */
export function compileKeycloak(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'keycloak', files: [], grants: [] };
}
