import type { z } from 'zod';
import type { userAccessSchema } from '../../../../src/api/schemas/access-compiler.js';
import { scopeOf } from '../../format/grant-scope.js';

export type UserAccess = z.output<typeof userAccessSchema>;
type Grant = UserAccess['grants'][number];

/**
 * A user's access across tools (`GET /api/v1/access/users/{user}`): roles, IdP groups and
 * every permission the generated files give, each with the membership that gives it.
 */
export function UserAccessReport({ report, you }: { report: UserAccess; you: boolean }) {
  const who = you ? 'You' : report.user;
  if (!report.known && report.groups.length === 0 && report.grants.length === 0) {
    return (
      <p>
        The tenancy model does not know <strong>{report.user}</strong>: no role, group or tool
        permission.
        {you &&
          ' The groups your sign-in carries are not part of the model: explain a decision to see what they give you.'}
      </p>
    );
  }
  return (
    <div class="user-access">
      {report.platformAdmin !== undefined && (
        <p>
          <strong>
            {who} {you ? 'are' : 'is'} a platform admin
          </strong>
          : {report.platformAdmin}.
        </p>
      )}
      <table>
        <caption>Product roles of {report.user}</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Role</th>
            <th scope="col">Because</th>
          </tr>
        </thead>
        <tbody>
          {report.roles.length === 0 && (
            <tr>
              <td colSpan={3}>No product role.</td>
            </tr>
          )}
          {report.roles.map((role) => (
            <tr key={`${role.product}/${role.role}`}>
              <th scope="row">{role.product}</th>
              <td>{role.role}</td>
              <td>{role.because}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>IdP groups of {report.user}</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Because</th>
          </tr>
        </thead>
        <tbody>
          {report.groups.length === 0 && (
            <tr>
              <td colSpan={2}>No group.</td>
            </tr>
          )}
          {report.groups.map((group) => (
            <tr key={group.group}>
              <th scope="row">
                <code>{group.group}</code>
              </th>
              <td>{group.because}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <GrantTable
        caption={`Tool permissions of ${report.user}`}
        grants={report.grants}
        empty="No tool permission."
      />
    </div>
  );
}

/** Grants as a table: tool, permission and level, where, through what, and the file. */
export function GrantTable({
  caption,
  grants,
  empty,
}: {
  caption: string;
  grants: readonly (Omit<Grant, 'via'> & { via?: string })[];
  empty: string;
}) {
  const withVia = grants.some((grant) => grant.via !== undefined);
  return (
    <table class="grants">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Tool</th>
          <th scope="col">Subject</th>
          <th scope="col">Permission</th>
          <th scope="col">Level</th>
          <th scope="col">Where</th>
          {withVia && <th scope="col">Through</th>}
          <th scope="col">File</th>
        </tr>
      </thead>
      <tbody>
        {grants.length === 0 && (
          <tr>
            <td colSpan={withVia ? 7 : 6}>{empty}</td>
          </tr>
        )}
        {grants.map((grant, i) => (
          <tr key={i}>
            <th scope="row">{grant.tool}</th>
            <td>
              {grant.subject.name} <span class="muted">({grant.subject.kind})</span>
            </td>
            <td>
              <code>{grant.permission}</code>
            </td>
            <td>{grant.level}</td>
            <td>{scopeOf(grant)}</td>
            {withVia && <td>{grant.via}</td>}
            <td>
              <code>{grant.file}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
