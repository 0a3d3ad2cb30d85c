import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the sonarqube generator lands. */
export function compileSonarQube(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'sonarqube', files: [], grants: [] };
}
