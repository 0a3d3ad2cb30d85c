import { createHash } from 'node:crypto';
import type { AccessGraph, ProductAccess, ToolGroup } from '../../access-graph.js';
import type { AccessFile, Grant, ToolOutput } from '../../access-output.js';
import {
  TerraformResources,
  providerFile,
  terraformFile,
  terraformLabel,
  terraformRef,
} from '../shared/terraform-json.js';

/** Folder permissions per tool level: Terraform's value and the word grants use. */
const FOLDER_PERMISSION = {
  write: { terraform: 'Edit', grant: 'Editor' },
  read: { terraform: 'View', grant: 'Viewer' },
} as const;

/** Grafana refuses folder uids longer than 40 characters; namespaces may have 63. */
const FOLDER_UID_MAX = 40;

/** A folder's uid: the namespace, or a shortened one with a hash when it is too long. */
export function folderUid(namespace: string): string {
  if (namespace.length <= FOLDER_UID_MAX) return namespace;
  const hash = createHash('sha256').update(namespace, 'utf8').digest('hex').slice(0, 8);
  return `${namespace.slice(0, FOLDER_UID_MAX - hash.length - 1)}-${hash}`;
}

/**
 * The value a team syncs from: the group's IdP object id from `idp.groupIds` (seed 000 step
 * 3: Entra puts object ids, not names, in the groups claim), else the group's name.
 */
export function grafanaExternalGroup(
  name: string,
  groupIds: Readonly<Record<string, string>>,
): string {
  return Object.hasOwn(groupIds, name) ? (groupIds[name] ?? name) : name;
}

/** The Grafana tool groups of a product (the groups `compileGrafana` makes teams of). */
export function grafanaGroups(access: ProductAccess): ToolGroup[] {
  return access.toolGroups.filter((group) => group.tool === 'grafana');
}

/** `grafana/<product>.tf.json` and the grants it makes. */
function productFile(
  access: ProductAccess,
  groups: readonly ToolGroup[],
  groupIds: Readonly<Record<string, string>>,
): { file: AccessFile; grants: Grant[] } {
  const product = access.product.name;
  const path = `grafana/${product}.tf.json`;
  const resources = new TerraformResources();
  const grants: Grant[] = [];

  // Seed 000 step 3: access follows the IdP group, so each team syncs exactly its group,
  // by its identifier where the model knows it (the claim Grafana matches carries ids).
  for (const group of groups) {
    const team = terraformLabel(group.name);
    resources.add('grafana_team', team, { name: group.name });
    resources.add('grafana_team_external_group', team, {
      team_id: terraformRef('grafana_team', team, 'id'),
      groups: [grafanaExternalGroup(group.name, groupIds)],
    });
  }

  for (const namespace of access.product.namespaces) {
    const folder = terraformLabel(namespace);
    resources.add('grafana_folder', folder, { uid: folderUid(namespace), title: namespace });
    const inFolder = groups.filter((group) => group.namespace === namespace);
    // grafana_folder_permission replaces the folder's whole list, so the basic roles'
    // default Editor → Edit is gone: only the product's groups reach its folders.
    resources.add('grafana_folder_permission', folder, {
      folder_uid: terraformRef('grafana_folder', folder, 'uid'),
      permissions: inFolder.map((group) => ({
        team_id: terraformRef('grafana_team', terraformLabel(group.name), 'id'),
        permission: FOLDER_PERMISSION[group.level].terraform,
      })),
    });
    for (const group of inFolder)
      grants.push({
        tool: 'grafana',
        subject: { kind: 'group', name: group.name },
        permission: `${FOLDER_PERMISSION[group.level].grant} on folder ${namespace}`,
        level: group.level,
        product,
        namespace,
        file: path,
      });
  }
  return { file: terraformFile(path, resources.document()), grants };
}

/**
 * Grafana as Terraform JSON for the `grafana/grafana` provider: per product with
 * `tools.grafana`, `grafana/<product>.tf.json` with a team per tool group (synced from the
 * IdP group's object id in `idp.groupIds`, or its name where the id is not known), a folder
 * per namespace (uid = namespace) and the folder's
 * complete permission list (write team → Edit, read team → View). All files form one
 * Terraform module with `grafana/_provider.tf.json`; the provider's URL and credentials
 * come from its environment (`GRAFANA_URL`, `GRAFANA_AUTH`).
 */
export function compileGrafana(graph: AccessGraph): ToolOutput {
  const files: AccessFile[] = [];
  const grants: Grant[] = [];
  for (const access of graph.products) {
    const groups = grafanaGroups(access);
    if (groups.length === 0) continue;
    const output = productFile(access, groups, graph.model.idp.groupIds);
    files.push(output.file);
    grants.push(...output.grants);
  }
  if (files.length > 0) files.unshift(providerFile('grafana', 'grafana', 'grafana/grafana'));
  return { tool: 'grafana', files, grants };
}
