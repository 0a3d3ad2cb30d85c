import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../errors.js';
import { dependencyClosure, type DependencySource } from './dependency-closure.js';
import { problemsOf } from '../../../test/support/thrown.js';

/** A catalogue as a bare graph: name → dependencies (no loader, so cycles are possible). */
function graph(edges: Record<string, string[]>): DependencySource {
  return {
    services: Object.fromEntries(
      Object.entries(edges).map(([name, dependsOn]) => [name, { dependsOn }]),
    ),
  };
}

const seed = graph({
  'api-gateway': ['user-service', 'auth-service'],
  'user-service': ['auth-service', 'postgres'],
  'auth-service': ['postgres', 'redis'],
  'billing-service': ['user-service', 'postgres'],
  postgres: [],
  redis: [],
});

describe('dependencyClosure', () => {
  it('adds the transitive dependencies, dependencies first, ties by name', () => {
    expect(dependencyClosure(seed, ['api-gateway'])).toEqual([
      'postgres',
      'redis',
      'auth-service',
      'user-service',
      'api-gateway',
    ]);
    expect(dependencyClosure(seed, ['redis'])).toEqual(['redis']);
    expect(dependencyClosure(seed, [])).toEqual([]);
  });

  it('lists a diamond base once, before both sides', () => {
    const diamond = graph({ top: ['right', 'left'], left: ['base'], right: ['base'], base: [] });
    expect(dependencyClosure(diamond, ['top'])).toEqual(['base', 'left', 'right', 'top']);
  });

  it('depends only on the set of names, not their order or repetition', () => {
    const expected = dependencyClosure(seed, ['billing-service', 'api-gateway']);
    expect(dependencyClosure(seed, ['api-gateway', 'billing-service', 'api-gateway'])).toEqual(
      expected,
    );
    expect(expected).toEqual([
      'postgres',
      'redis',
      'auth-service',
      'user-service',
      'api-gateway',
      'billing-service',
    ]);
  });

  it('names unknown services, listing what the catalogue has', () => {
    expect(problemsOf(() => dependencyClosure(seed, ['nope', 'redis', 'also-nope']))).toEqual([
      {
        path: 'services.also-nope',
        message:
          "unknown service 'also-nope'; the catalogue has: api-gateway, auth-service, billing-service, postgres, redis, user-service",
      },
      {
        path: 'services.nope',
        message:
          "unknown service 'nope'; the catalogue has: api-gateway, auth-service, billing-service, postgres, redis, user-service",
      },
    ]);
  });

  it('cuts the list of names at ten', () => {
    const many = graph(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`s${i}`, []])));
    expect(problemsOf(() => dependencyClosure(many, ['x']))[0]?.message).toBe(
      "unknown service 'x'; the catalogue has: s0, s1, s10, s11, s12, s13, s14, s15, s16, s17, … (15 more)",
    );
  });

  it('is not fooled by names that are Object.prototype members', () => {
    expect(problemsOf(() => dependencyClosure(seed, ['constructor']))[0]?.path).toBe(
      'services.constructor',
    );
    const odd = graph({ constructor: ['tostring'], tostring: [] });
    expect(dependencyClosure(odd, ['constructor'])).toEqual(['tostring', 'constructor']);
  });

  it('names an unknown dependency of an unchecked catalogue', () => {
    expect(problemsOf(() => dependencyClosure(graph({ a: ['b', 'ghost'], b: [] }), ['a']))).toEqual(
      [{ path: 'services.a.dependsOn.1', message: "unknown service 'ghost'" }],
    );
  });

  describe('cycles in an unchecked catalogue', () => {
    it.each<[string, Record<string, string[]>, FieldError[]]>([
      [
        'a self-dependency',
        { a: ['a'] },
        [{ path: 'services.a.dependsOn.0', message: 'dependency cycle: a → a' }],
      ],
      [
        'two services',
        { a: ['b'], b: ['a'] },
        [{ path: 'services.a.dependsOn.0', message: 'dependency cycle: a → b → a' }],
      ],
      [
        'three services, entered in the middle',
        { b: ['c'], c: ['a'], a: ['z', 'b'], z: [] },
        [{ path: 'services.a.dependsOn.1', message: 'dependency cycle: a → b → c → a' }],
      ],
    ])('%s', (_, edges, expected) => {
      const catalogue = graph(edges);
      for (const start of Object.keys(edges).filter((name) => name !== 'z')) {
        expect(problemsOf(() => dependencyClosure(catalogue, [start]))).toEqual(expected);
      }
    });

    it('reports only the cycles in the closure', () => {
      const catalogue = graph({ top: ['a'], a: ['b'], b: ['a'], other: ['other'] });
      expect(problemsOf(() => dependencyClosure(catalogue, ['top']))).toEqual([
        { path: 'services.a.dependsOn.0', message: 'dependency cycle: a → b → a' },
      ]);
    });
  });

  it('handles long chains and wide fans without recursion (thousands of services)', () => {
    const size = 20_000;
    const chain = graph(
      Object.fromEntries(
        Array.from({ length: size }, (_, i) => [`s${i}`, i === 0 ? [] : [`s${i - 1}`]]),
      ),
    );
    const order = dependencyClosure(chain, [`s${size - 1}`]);
    expect(order).toHaveLength(size);
    expect(order[0]).toBe('s0');
    expect(order[size - 1]).toBe(`s${size - 1}`);

    const fan = graph({
      top: Array.from({ length: size }, (_, i) => `leaf${i}`),
      ...Object.fromEntries(Array.from({ length: size }, (_, i) => [`leaf${i}`, ['base']])),
      base: [],
    });
    const fanOrder = dependencyClosure(fan, ['top']);
    expect(fanOrder).toHaveLength(size + 2);
    expect([fanOrder[0], fanOrder[size + 1]]).toEqual(['base', 'top']);

    const ring = graph(
      Object.fromEntries(Array.from({ length: size }, (_, i) => [`r${i}`, [`r${(i + 1) % size}`]])),
    );
    const [problem] = problemsOf(() => dependencyClosure(ring, ['r5']));
    expect(problem?.path).toBe('services.r0.dependsOn.0');
    expect(problem?.message.startsWith('dependency cycle: r0 → r1 → r2 →')).toBe(true);
  });
});

describe('dependencyClosure on random DAGs', () => {
  // Edges only from a higher index to a lower one: acyclic by construction. Names are
  // shuffled against the indices so that name order and dependency order disagree.
  const dag = fc.integer({ min: 1, max: 30 }).chain((size) =>
    fc
      .tuple(
        fc.array(fc.array(fc.nat({ max: size - 1 }), { maxLength: 5 }), {
          minLength: size,
          maxLength: size,
        }),
        fc.shuffledSubarray(
          Array.from({ length: size }, (_, i) => `svc-${String.fromCharCode(97 + (i % 26))}${i}`),
          { minLength: size, maxLength: size },
        ),
        fc.array(fc.nat({ max: size - 1 }), { maxLength: 6 }),
      )
      .map(([deps, names, picks]) => {
        const edges: Record<string, string[]> = {};
        deps.forEach((targets, i) => {
          edges[names[i]!] = targets.filter((t) => t < i).map((t) => names[t]!);
        });
        return { edges, roots: picks.map((p) => names[p]!) };
      }),
  );

  it('contains the inputs, is closed under dependencies, and orders dependencies first', () => {
    fc.assert(
      fc.property(dag, ({ edges, roots }) => {
        const order = dependencyClosure(graph(edges), roots);
        const position = new Map(order.map((name, i) => [name, i]));
        expect(position.size).toBe(order.length);
        for (const root of roots) expect(position.has(root)).toBe(true);
        for (const name of order) {
          for (const dep of edges[name]!) {
            expect(position.has(dep)).toBe(true);
            expect(position.get(dep)!).toBeLessThan(position.get(name)!);
          }
        }
        // Nothing extra: every listed service is a root or a dependency of a listed one.
        for (const name of order) {
          const needed =
            roots.includes(name) || order.some((other) => edges[other]!.includes(name));
          expect(needed).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is the smallest order by name at every step (ties by name)', () => {
    fc.assert(
      fc.property(dag, ({ edges, roots }) => {
        const order = dependencyClosure(graph(edges), roots);
        const placed = new Set<string>();
        for (const name of order) {
          const ready = order.filter(
            (other) => !placed.has(other) && edges[other]!.every((dep) => placed.has(dep)),
          );
          expect(name).toBe([...ready].sort()[0]);
          placed.add(name);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the roots', () => {
    fc.assert(
      fc.property(dag, ({ edges, roots }) => {
        expect(dependencyClosure(graph(edges), [...roots].reverse())).toEqual(
          dependencyClosure(graph(edges), roots),
        );
      }),
      { numRuns: 200 },
    );
  });
});
