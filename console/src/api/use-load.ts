import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Runs `load` when a dependency changes and on `reload()`, keeping the last data while a
 * new load runs; an answer that arrives after a newer load started is dropped.
 *
 * `loading` is true from the very render in which a new load is due, not from the effect
 * that starts it: set there, it lagged a render behind, and that render showed the last
 * page's rows under the new cursor as if loaded, or a change's notice before the reload that
 * follows it.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [generation, setGeneration] = useState(0);
  // The caller lists the dependencies of `load`, as with useEffect.
  const run = useCallback(load, deps);
  // One object per load that is due: the state says which one it answers.
  const request = useMemo(() => ({}), [run, generation]);
  const [state, setState] = useState<{ data?: T; error?: Error; answers?: object }>({});
  useEffect(() => {
    let current = true;
    run().then(
      (data) => current && setState({ data, answers: request }),
      (error: unknown) =>
        current &&
        setState((previous) => ({
          ...previous,
          error: error instanceof Error ? error : new Error(String(error)),
          answers: request,
        })),
    );
    return () => {
      current = false;
    };
  }, [request]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return {
    data: state.data,
    error: state.error,
    loading: state.answers !== request,
    reload,
  };
}
