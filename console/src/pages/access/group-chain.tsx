/** One group path of an explanation: from the principal to the group, reason by reason. */
export function GroupChain({ group, path }: { group: string; path: readonly string[] }) {
  return (
    <ol class="chain" aria-label={`Path to ${group}`}>
      {path.map((step, i) => (
        <li key={i}>{step}</li>
      ))}
      <li>
        <strong>
          <code>{group}</code>
        </strong>
      </li>
    </ol>
  );
}
