/**
 * The few browser globals the helpers' in-page functions use, typed here because the project
 * compiles without the DOM library (adding it would type `window` in the server code too).
 * Inside a function given to `page.evaluate`, write `globalThis as unknown as Dom`: the cast
 * is erased, so the function still runs on its own in the page.
 */
export interface DomElement {
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  /** Form controls: their `<label>` elements. */
  readonly labels?: ArrayLike<DomElement> | null;
  /** `<input>`: its type. */
  readonly type?: string;
  blur?(): void;
}

export interface SecurityPolicyViolation {
  readonly violatedDirective: string;
  readonly blockedURI: string;
}

export interface Dom {
  readonly document: {
    readonly activeElement: DomElement | null;
    readonly body: DomElement;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: SecurityPolicyViolation) => void,
    ): void;
  };
  __cspViolations?: string[];
  __tabbed?: WeakSet<DomElement>;
  axe?: {
    run(
      context: unknown,
      options: Record<string, unknown>,
    ): Promise<{ violations: AxeViolation[] }>;
  };
}

/** One axe-core rule violation, as `axe.run` reports it (the fields the helpers read). */
export interface AxeViolation {
  readonly id: string;
  readonly impact?: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}
