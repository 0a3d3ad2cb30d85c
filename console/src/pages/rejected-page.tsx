import type { z } from 'zod';
import { listRejectedClaims } from '../../../src/api/routes/platform.js';
import type { rejectedClaimSchema } from '../../../src/api/schemas/environments.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { useNow } from '../components/expiry.js';
import { Problem } from '../components/problem.js';
import { When } from '../components/when.js';

type RejectedClaim = z.output<typeof rejectedClaimSchema>;

/**
 * Documents in the buckets that are not served as environments (`GET /api/v1/rejected-claims`),
 * with each reason. The page always asks the server: a caller without `rejected-claims:read`
 * who opens it sees the server's refusal, not an empty list.
 */
export function RejectedPage() {
  const list = useLoad(() => call(listRejectedClaims).then((answer) => answer.body.items), []);
  const now = useNow();
  return (
    <>
      <h1>Rejected claims</h1>
      <p class="hint">
        Claim documents found in a bucket that the platform does not serve as environments, and why.
        Fix or remove the object in the bucket: the change feed picks it up.
      </p>
      <Problem error={list.error} />
      <p role="status" class="muted">
        {list.loading
          ? 'Loading…'
          : list.data &&
            (list.data.length === 1
              ? '1 rejected document'
              : `${list.data.length} rejected documents`)}
      </p>
      {list.data !== undefined && list.data.length === 0 && <p>No document is rejected.</p>}
      {list.data !== undefined && list.data.length > 0 && (
        <RejectedTable items={list.data} now={now} />
      )}
      <button type="button" onClick={list.reload} disabled={list.loading}>
        Reload
      </button>
    </>
  );
}

function RejectedTable({ items, now }: { items: readonly RejectedClaim[]; now: number }) {
  return (
    <table class="rejected">
      <caption>Rejected claim documents, by bucket and key</caption>
      <thead>
        <tr>
          <th scope="col">Bucket</th>
          <th scope="col">Key</th>
          <th scope="col">Reasons</th>
          <th scope="col">Seen</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={`${item.bucket}/${item.key}`}>
            <td>{item.bucket}</td>
            <th scope="row">
              <code>{item.key}</code>
            </th>
            <td>
              <ul class="reasons">
                {item.reasons.map((reason, i) => (
                  <li key={i}>
                    {reason.path !== '' && <code>{reason.path}</code>}
                    {reason.path !== '' && ': '}
                    {reason.message}
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <When at={item.observed_at} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
