import { z } from 'zod';

/*
 * The part of keycloak-config-cli's realm import (Keycloak's RealmRepresentation, with
 * RoleRepresentation, GroupRepresentation and UserRepresentation) that the compiler writes.
 * Every object is strict because keycloak-config-cli reads imports with Jackson's
 * FAIL_ON_UNKNOWN_PROPERTIES (its KeycloakImportProvider): a misspelt key such as
 * `subgroups` fails the whole import, so it must fail here first.
 */

const text = z
  .string()
  .min(1)
  .refine((value) => value.trim() === value, 'must not start or end with spaces');

/** `/Platform-One/Products/Valkyrie/developer`: how Keycloak and a user's `groups` name a group. */
const groupPath = z.string().regex(/^(\/[^/]+)+$/, 'must be a group path such as /parent/child');

/** A realm role (RoleRepresentation); `composite` agrees with `composites.realm`. */
export const keycloakRoleSchema = z
  .strictObject({
    name: text,
    description: z.string().optional(),
    composite: z.boolean(),
    /** Always written, even empty: older keycloak-config-cli only clears composites it is given. */
    composites: z.strictObject({ realm: z.array(text) }).optional(),
  })
  .refine((role) => role.composite === (role.composites?.realm.length ?? 0) > 0, {
    message: 'composite must be true exactly when composites.realm lists roles',
    path: ['composite'],
  });
export type KeycloakRole = z.infer<typeof keycloakRoleSchema>;

/** A group (GroupRepresentation) with its sub-groups, named by `path` from the realm root. */
export interface KeycloakGroup {
  name: string;
  path: string;
  realmRoles?: string[] | undefined;
  subGroups?: KeycloakGroup[] | undefined;
}

/** Checks a `KeycloakGroup` tree: names without `/`, paths shaped `/a/b`. */
export const keycloakGroupSchema: z.ZodType<KeycloakGroup> = z.strictObject({
  // Keycloak 23+ allows `/` in a name (escaped in paths); the compiler never writes one, so
  // a `/` here means a hierarchical name was not split into subGroups.
  name: text.refine((name) => !name.includes('/'), 'must not contain /; nest it in subGroups'),
  path: groupPath,
  realmRoles: z.array(text).optional(),
  get subGroups() {
    return z.array(keycloakGroupSchema).optional();
  },
});

/** A user (UserRepresentation) and the paths of the groups keycloak-config-cli sets for it. */
export const keycloakUserSchema = z.strictObject({
  username: text,
  email: z.email().optional(),
  enabled: z.boolean(),
  groups: z.array(groupPath).optional(),
});
export type KeycloakUser = z.infer<typeof keycloakUserSchema>;

/**
 * A keycloak-config-cli realm import as the compiler writes it. Besides the field shapes it
 * guarantees what keycloak-config-cli would otherwise fail on or silently misapply: role
 * names and usernames are unique (usernames ignoring case, as Keycloak lowercases them),
 * every group's `path` is its parent's path plus its name, sibling names are unique, and
 * every group a user lists exists in the document.
 */
export const realmImportSchema = z
  .strictObject({
    realm: text,
    enabled: z.boolean(),
    roles: z.strictObject({ realm: z.array(keycloakRoleSchema) }).optional(),
    groups: z.array(keycloakGroupSchema).optional(),
    users: z.array(keycloakUserSchema).optional(),
  })
  .superRefine((realm, ctx) => {
    const report = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const roles = new Set<string>();
    realm.roles?.realm.forEach((role, i) => {
      if (roles.has(role.name))
        report(['roles', 'realm', i, 'name'], `duplicate role ${role.name}`);
      roles.add(role.name);
    });

    const paths = new Set<string>();
    const walk = (groups: readonly KeycloakGroup[], parent: string, at: (string | number)[]) => {
      const siblings = new Set<string>();
      groups.forEach((group, i) => {
        const here = [...at, i];
        if (siblings.has(group.name)) report([...here, 'name'], `duplicate group ${group.name}`);
        siblings.add(group.name);
        const expected = `${parent}/${group.name}`;
        if (group.path !== expected) report([...here, 'path'], `must be ${expected}`);
        paths.add(expected);
        walk(group.subGroups ?? [], expected, [...here, 'subGroups']);
      });
    };
    walk(realm.groups ?? [], '', ['groups']);

    const usernames = new Set<string>();
    realm.users?.forEach((user, u) => {
      const key = user.username.toLowerCase();
      if (usernames.has(key)) report(['users', u, 'username'], `duplicate user ${user.username}`);
      usernames.add(key);
      user.groups?.forEach((path, g) => {
        if (!paths.has(path)) report(['users', u, 'groups', g], `no group ${path} in this realm`);
      });
    });
  });
export type RealmImport = z.infer<typeof realmImportSchema>;
