import type { FieldError } from '../errors.js';
import { toolGroupName } from './group-names.js';
import type { Tenancy } from './tenancy-schema.js';

type Report = (path: string, message: string) => void;

/** A Kubernetes object name (DNS-1123 subdomain), which a ServiceAccount's name must be. */
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KUBERNETES_NAME_MAX = 253;

/**
 * The directory of service accounts and the IdP's group ids: each service account once, a
 * Kubernetes service account with a name Kubernetes accepts, and no IdP id given to two
 * groups (two Grafana teams would sync the same IdP group, each other's people).
 */
export function checkIdentities(model: Tenancy, report: Report): void {
  const accounts = new Map<string, number>();
  model.serviceAccounts.forEach((account, a) => {
    const at = `serviceAccounts.${a}`;
    const before = accounts.get(account.name);
    if (before !== undefined)
      report(
        `${at}.name`,
        `duplicate service account '${account.name}' (also serviceAccounts.${before})`,
      );
    else accounts.set(account.name, a);
    if (
      account.kubernetes &&
      (account.name.length > KUBERNETES_NAME_MAX || !KUBERNETES_NAME.test(account.name))
    )
      report(
        `${at}.name`,
        `'${account.name}' is not a Kubernetes ServiceAccount name (lowercase letters, digits, '-' and '.'); name it as in the cluster or drop kubernetes to bind it as an IdP client`,
      );
  });
  const ids = new Map<string, string>();
  for (const [group, id] of Object.entries(model.idp.groupIds)) {
    const other = ids.get(id);
    if (other !== undefined)
      report(
        `idp.groupIds.${group}`,
        `id '${id}' is also given to group '${other}'; an IdP object id names one group`,
      );
    else ids.set(id, group);
  }
}

/**
 * Things that render but may not work as meant; they do not stop a model. Today: each
 * Grafana tool group without an IdP object id in `idp.groupIds` (seed 000 step 3 configures
 * Grafana with group identifiers; its team then syncs by name, which an IdP that sends ids
 * in the groups claim, as Entra does, never matches).
 */
export function identityWarnings(model: Tenancy): FieldError[] {
  const warnings: FieldError[] = [];
  const warned = new Set<string>();
  for (const organization of model.organizations)
    for (const product of organization.products) {
      const levels = [...new Set(product.tools.grafana ?? [])].sort();
      for (const namespace of product.namespaces)
        for (const level of levels) {
          const group = toolGroupName(organization, product, namespace, 'grafana', level);
          if (Object.hasOwn(model.idp.groupIds, group) || warned.has(group)) continue;
          warned.add(group);
          warnings.push({
            path: `idp.groupIds.${group}`,
            message: `Grafana group '${group}' (product ${product.name}) has no IdP object id, so its team syncs by name; add the group's object id here`,
          });
        }
    }
  return warnings;
}
