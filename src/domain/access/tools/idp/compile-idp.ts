import type { AccessGraph, ManagedGroup } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { toJsonInSlices } from '../../serialize.js';
import { groupPathSegments } from './group-path.js';

/** The one file this generator writes. */
export const IDP_GROUPS_FILE = 'idp/groups.json';

/**
 * The IdP groups the compiler creates (Entra, Authentik, Keycloak alike), as one document
 * `{ groups: [...] }`: every `graph.groups` entry once, in the graph's name order, with its
 * `path` (the name's segments), kind, organization and realm where known, description and
 * the sorted names of its people. The file is written even when there are no groups, so the
 * output layout does not depend on the model.
 *
 * It makes no grants: membership is read from the graph by `explain`, and what a group
 * allows is granted by the tools' own files.
 */
export function compileIdp(graph: AccessGraph): ToolOutput {
  return {
    tool: 'idp',
    files: [
      {
        path: IDP_GROUPS_FILE,
        // JSON: a machine's input (Entra, Authentik scripts), and 50,000 members serialize 10× faster.
        // Each entry is made as its slice is written, so a few groups' objects are alive at a
        // time: built up front, the 32,000 groups' objects and member lists (bench scale)
        // survived until the file was written and the collector copied them twice.
        content: toJsonInSlices({}, 'groups', graph.groups, idpGroupEntry),
        objects: graph.groups.map((group) => `Group ${group.name}`),
      },
    ],
    grants: [],
  };
}

/** A managed group as the file lists it. */
function idpGroupEntry(group: ManagedGroup): object {
  return {
    name: group.name,
    path: groupPathSegments(group.name),
    kind: group.kind,
    // JSON leaves out what is undefined: one object shape whether the group has them or not.
    organization: group.organization,
    realm: group.realm,
    description: group.description,
    // The graph keeps members sorted and unique.
    members: [...group.members.keys()],
  };
}
