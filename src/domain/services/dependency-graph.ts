import { compareText } from '../access/serialize.js';
import type { FieldError } from '../errors.js';

/** A node's direct dependencies (edges to unknown nodes are ignored by these functions). */
export type DependenciesOf = (name: string) => readonly string[];

/** A binary min-heap of names in code-unit order: Kahn's algorithm with ties by name. */
class NameHeap {
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  push(name: string): void {
    const items = this.items;
    items.push(name);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareText(items[parent]!, items[i]!) <= 0) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): string | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && compareText(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && compareText(items[right]!, items[smallest]!) < 0)
        smallest = right;
      if (smallest === i) return top;
      [items[smallest], items[i]] = [items[i]!, items[smallest]!];
      i = smallest;
    }
  }
}

/**
 * Orders `nodes` so that every node comes after its dependencies among `nodes`; among the
 * nodes ready at a step the smallest name comes first, so the order is a function of the
 * graph alone. Returns the nodes it could not order (they lie on or behind a cycle) as
 * `blocked`. O((V + E) log V).
 */
export function topologicalOrder(
  nodes: readonly string[],
  dependenciesOf: DependenciesOf,
): { order: string[]; blocked: string[] } {
  const members = new Set(nodes);
  const waitingFor = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of members) {
    const deps = new Set(dependenciesOf(node).filter((dep) => members.has(dep)));
    waitingFor.set(node, deps.size);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(node);
      else dependents.set(dep, [node]);
    }
  }
  const ready = new NameHeap();
  for (const [node, count] of waitingFor) if (count === 0) ready.push(node);
  const order: string[] = [];
  for (let node = ready.pop(); node !== undefined; node = ready.pop()) {
    order.push(node);
    for (const dependent of dependents.get(node) ?? []) {
      const count = (waitingFor.get(dependent) ?? 0) - 1;
      waitingFor.set(dependent, count);
      if (count === 0) ready.push(dependent);
    }
  }
  const placed = new Set(order);
  const blocked = [...members].filter((node) => !placed.has(node)).sort(compareText);
  return { order, blocked };
}

/** Tarjan's strongly connected components, iteratively (catalogues of 1,000s of services). */
function stronglyConnected(nodes: readonly string[], dependenciesOf: DependenciesOf): string[][] {
  const members = new Set(nodes);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of members) {
    if (index.has(start)) continue;
    const frames: { node: string; deps: readonly string[]; next: number }[] = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      frames.push({ node, deps: dependenciesOf(node).filter((dep) => members.has(dep)), next: 0 });
    };
    enter(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next++]!;
        if (!index.has(dep)) enter(dep);
        else if (onStack.has(dep)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(dep)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** The shortest cycle from `start` back to it inside `component` (breadth first, by name). */
function shortestCycle(
  start: string,
  component: ReadonlySet<string>,
  dependenciesOf: DependenciesOf,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const deps = dependenciesOf(node)
      .filter((dep) => component.has(dep))
      .sort(compareText);
    for (const dep of deps) {
      if (dep === start) {
        const path = [node];
        for (let at = node; at !== start;) {
          at = parent.get(at)!;
          path.push(at);
        }
        return path.reverse();
      }
      if (!parent.has(dep) && dep !== start) {
        parent.set(dep, node);
        queue.push(dep);
      }
    }
  }
  throw new TypeError(`${start} is not on a cycle of its component`);
}

/**
 * Dependency cycles among `nodes`, each once: every node that lies on a cycle is on at
 * least one reported cycle, and no two reported cycles are the same. A cycle is listed
 * from its smallest name without repeating it (`['a', 'b']` is a → b → a); the list is
 * sorted. Edges to nodes outside `nodes` are ignored.
 */
export function findCycles(nodes: readonly string[], dependenciesOf: DependenciesOf): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(nodes, dependenciesOf)) {
    const [only] = component;
    if (component.length === 1 && only !== undefined) {
      if (dependenciesOf(only).includes(only)) cycles.push([only]);
      continue;
    }
    const members = new Set(component);
    const covered = new Set<string>();
    for (const start of [...component].sort(compareText)) {
      if (covered.has(start)) continue;
      const cycle = shortestCycle(start, members, dependenciesOf);
      for (const node of cycle) covered.add(node);
      cycles.push(rotateToSmallest(cycle));
    }
  }
  return cycles.sort((a, b) => compareText(a.join('\u0000'), b.join('\u0000')));
}

function rotateToSmallest(cycle: readonly string[]): string[] {
  let smallest = 0;
  cycle.forEach((node, i) => {
    if (compareText(node, cycle[smallest]!) < 0) smallest = i;
  });
  return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
}

/** `a → b → c → a` for the cycle `['a', 'b', 'c']`. */
export function describeCycle(cycle: readonly string[]): string {
  return `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`;
}

/**
 * The field error for a cycle, at the first service's `dependsOn` entry that starts it
 * (`services.a.dependsOn.1: dependency cycle: a → b → a`).
 */
export function cycleFieldError(
  cycle: readonly string[],
  dependenciesOf: DependenciesOf,
): FieldError {
  const [first = '', next = first] = cycle;
  const at = dependenciesOf(first).indexOf(next);
  return {
    path: at < 0 ? `services.${first}.dependsOn` : `services.${first}.dependsOn.${at}`,
    message: describeCycle(cycle),
  };
}
