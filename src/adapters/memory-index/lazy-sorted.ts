/**
 * A sorted list that is cheap to grow in any order: `add` appends to a pending buffer, and
 * the next `view` sorts the buffer and merges it in (or inserts a few by binary search).
 * 100,000 adds in random order cost one sort, not 100,000 array shifts.
 *
 * Removal is lazy too: the owner calls `markStale` and checks every item it reads with its
 * own liveness test; once stale items are more than half the list, `view` drops them.
 * The view never holds one item twice (re-adding an item merges into the stale copy).
 */
export class LazySorted<T> {
  private items: T[] = [];
  private pending: T[] = [];
  private stale = 0;

  constructor(private readonly compare: (left: T, right: T) => number) {}

  add(item: T): void {
    this.pending.push(item);
  }

  /** One item of the list no longer counts (removed, or moved to another list). */
  markStale(): void {
    this.stale += 1;
  }

  /** An upper bound of the live items, for choosing between access paths. */
  get estimate(): number {
    return Math.max(0, this.items.length + this.pending.length - this.stale);
  }

  /** Sorted and without duplicates; may still hold stale items (check each with `isLive`). */
  view(isLive: (item: T) => boolean): readonly T[] {
    if (this.pending.length > 0) this.mergePending();
    if (this.stale > 32 && this.stale * 2 > this.items.length) {
      this.items = this.items.filter(isLive);
      this.stale = 0;
    }
    return this.items;
  }

  /**
   * An item added again merged into its earlier copy. That copy was marked stale when it
   * was removed (or it is a plain duplicate): either way one fewer item is stale, or the
   * estimate would count the live item out (an estimate of 0 hides a list that holds it).
   */
  private revived(): void {
    if (this.stale > 0) this.stale -= 1;
  }

  private mergePending(): void {
    const { compare } = this;
    const pending = this.pending.sort(compare);
    this.pending = [];
    // A few inserts into a long list: shifting the array natively beats a full merge.
    if (pending.length <= 8) {
      for (const item of pending) {
        const at = lowerBound(this.items, item, compare, true);
        if (at < this.items.length && compare(this.items[at] as T, item) === 0) {
          this.revived();
          continue;
        }
        this.items.splice(at, 0, item);
      }
      return;
    }
    const merged: T[] = new Array<T>(this.items.length + pending.length);
    let size = 0;
    let i = 0;
    let j = 0;
    const push = (item: T): void => {
      if (size > 0 && compare(merged[size - 1] as T, item) === 0) {
        this.revived();
        return;
      }
      merged[size++] = item;
    };
    while (i < this.items.length && j < pending.length) {
      const left = this.items[i] as T;
      const right = pending[j] as T;
      if (compare(left, right) <= 0) {
        push(left);
        i++;
      } else {
        push(right);
        j++;
      }
    }
    while (i < this.items.length) push(this.items[i++] as T);
    while (j < pending.length) push(pending[j++] as T);
    merged.length = size;
    this.items = merged;
  }
}

/** Index of the first item `>= key` (inclusive) or `> key` (exclusive) in a sorted array. */
export function lowerBound<T, K = T>(
  items: readonly T[],
  key: K,
  compare: (item: T, key: K) => number,
  inclusive: boolean,
): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(items[middle] as T, key);
    if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Code-unit order, the order of `<` on strings and of `Array.prototype.sort()`. */
export const compareStrings = (left: string, right: string): number =>
  left < right ? -1 : left > right ? 1 : 0;
