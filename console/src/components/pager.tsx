/**
 * Cursor paging for a list whose cursor lives in the URL: "Previous" is the browser's back
 * (the cursor API goes forward only), "First" drops the cursor, "Next" follows
 * `next_cursor`. Buttons appear only where they lead somewhere.
 */
export function Pager({
  onLaterPage,
  nextCursor,
  goFirst,
  goNext,
}: {
  readonly onLaterPage: boolean;
  readonly nextCursor: string | null | undefined;
  readonly goFirst: () => void;
  readonly goNext: (cursor: string) => void;
}) {
  return (
    <nav aria-label="Pages" class="pager">
      {onLaterPage && (
        <button type="button" onClick={() => history.back()}>
          Previous page
        </button>
      )}
      {onLaterPage && (
        <button type="button" onClick={goFirst}>
          First page
        </button>
      )}
      {nextCursor != null && (
        <button type="button" onClick={() => goNext(nextCursor)}>
          Next page
        </button>
      )}
    </nav>
  );
}
