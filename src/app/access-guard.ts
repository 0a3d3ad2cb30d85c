import type { Logger } from 'pino';
import { NotAllowedError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type { AppendOptions, AuditLog, AuditRecord } from '../ports/audit-log.js';
import {
  MUTATING_ACTIONS,
  targetOf,
  type Action,
  type Authorizer,
  type Decision,
  type ReadableFilter,
  type Resource,
} from '../ports/authorizer.js';
import type { Caller } from '../ports/principal.js';
import type { RequestOutcomes } from './request-outcomes.js';

/**
 * The one way use cases ask for permission. Every deny and every allowed mutation is
 * appended to the audit log with the policies that decided it, so no use case can forget.
 */
export interface AccessGuard {
  /** Throws `NotAllowedError` naming the action unless allowed. */
  require(caller: Caller, action: Action, resource: Resource): Promise<Decision>;
  /**
   * `require` for a use case that prepares its action while the decision is recorded:
   * resolves once allowed (a deny throws as `require` does, after its record is written),
   * with `recorded` settling when the audit record is durable. The action must not take
   * effect before `recorded` resolves (hand it to the store as the write's `after`), and a
   * use case that stops early awaits it before answering, so a failed record still fails
   * the request.
   */
  permit(caller: Caller, action: Action, resource: Resource): Promise<Permit>;
  /** The decision without throwing; a deny is still audited. */
  decide(caller: Caller, action: Action, resource: Resource): Promise<Decision>;
  /**
   * Which of `actions` the caller may perform, in their order, not audited: a question about
   * the caller's own rights (which buttons to offer), not an attempt to act. The same
   * authorizer decides both, so the answer is the one each action itself would get.
   */
  allowedActions<A extends Action>(
    caller: Caller,
    actions: readonly A[],
    resource: Resource,
  ): Promise<A[]>;
  /** The environments the caller may read, as a filter an index compiles (see `Authorizer`). */
  readableFilter(caller: Caller): Promise<ReadableFilter>;
  /** Records work done without a request, e.g. the expiry reaper's deletions. */
  recordSystem(actor: string, action: Action, resource: Resource): Promise<void>;
}

export interface Permit {
  readonly decision: Decision;
  /** Resolves when the decision's audit record is written; rejects if it cannot be. */
  readonly recorded: Promise<void>;
  /**
   * Resolves as soon as the record is durably in the log, which may be before `recorded`
   * (see `AppendOptions.onDurable`); rejects with `recorded` otherwise. The earliest an
   * action may take effect; the answer still waits for `recorded`.
   */
  readonly durable: Promise<void>;
}

export function createAccessGuard(deps: {
  authorizer: Authorizer;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Given: each record made for a request gets its outcome appended after the answer. */
  outcomes?: RequestOutcomes | undefined;
  /**
   * What answers `allows` (default: `authorizer`): the same rules without the decision
   * metrics, since a question about one's rights is not a decision. Otherwise every reader's
   * single GET would count three denies.
   */
  capabilities?: Pick<Authorizer, 'authorize'> | undefined;
}): AccessGuard {
  const { authorizer, audit, clock, logger, outcomes } = deps;
  const capabilities = deps.capabilities ?? authorizer;

  function record(
    caller: Pick<Caller, 'subject' | 'requestId'> & { kind: 'user' | 'service' | 'system' },
    action: Action,
    resource: Resource,
    decision: Decision,
    options?: AppendOptions,
  ): Promise<AuditRecord> {
    const appended = audit.append(
      {
        time: clock.now().toISOString(),
        actor: caller.subject,
        actorKind: caller.kind,
        action,
        target: targetOf(resource),
        decision: decision.allowed ? 'allow' : 'deny',
        policyIds: [...decision.policyIds],
        requestId: caller.requestId ?? null,
        // Work without a request is recorded once it is done: its outcome is known.
        ...(caller.kind === 'system'
          ? { outcome: { result: 'succeeded', status: null, problem: null } as const }
          : {}),
      },
      options,
    );
    if (caller.requestId !== undefined) outcomes?.track(caller.requestId, appended);
    return appended;
  }

  async function decide(caller: Caller, action: Action, resource: Resource): Promise<Decision> {
    const { decision, recorded } = await decideAndRecord(caller, action, resource);
    await recorded;
    return decision;
  }

  /** The decision, and its audit record on the way (denies and mutations are recorded). */
  async function decideAndRecord(
    caller: Caller,
    action: Action,
    resource: Resource,
  ): Promise<Permit> {
    return withRecord(
      caller,
      action,
      resource,
      await authorizer.authorize({ principal: caller, action, resource }),
    );
  }

  function withRecord(
    caller: Caller,
    action: Action,
    resource: Resource,
    decision: Decision,
  ): Permit {
    if (!decision.allowed) {
      logger.info(
        {
          principal: caller.subject,
          action,
          target: targetOf(resource),
          policyIds: decision.policyIds,
          request_id: caller.requestId,
        },
        'denied',
      );
    }
    if (!decision.allowed || MUTATING_ACTIONS.has(action)) {
      let onDurable!: () => void;
      const early = new Promise<void>((resolve) => (onDurable = resolve));
      const recorded = record(caller, action, resource, decision, { onDurable }).then(
        () => undefined,
      );
      const durable = Promise.race([early, recorded]);
      // Whoever holds `recorded` awaits it; until then, this keeps a rejection from counting
      // as unhandled.
      recorded.catch(() => undefined);
      durable.catch(() => undefined);
      return { decision, recorded, durable };
    }
    const done = Promise.resolve();
    return { decision, recorded: done, durable: done };
  }

  async function permitted(decided: Permit, caller: Caller, action: Action, resource: Resource) {
    if (!decided.decision.allowed) {
      await decided.recorded;
      throw new NotAllowedError(
        `${caller.subject} may not perform ${action} on ${targetOf(resource)}`,
      );
    }
    return decided;
  }

  async function permit(caller: Caller, action: Action, resource: Resource): Promise<Permit> {
    return permitted(await decideAndRecord(caller, action, resource), caller, action, resource);
  }

  return {
    decide,
    async allowedActions(caller, actions, resource) {
      const decisions = await Promise.all(
        actions.map((action) => capabilities.authorize({ principal: caller, action, resource })),
      );
      return actions.filter((_action, i) => decisions[i]?.allowed === true);
    },
    // Every authorized read comes through here: one async step, the decision itself.
    async require(caller, action, resource) {
      const decision = await authorizer.authorize({ principal: caller, action, resource });
      const decided = withRecord(caller, action, resource, decision);
      if (!decision.allowed) await permitted(decided, caller, action, resource);
      await decided.recorded;
      return decision;
    },
    permit,
    readableFilter: (caller) => authorizer.readableFilter(caller),
    recordSystem: (actor, action, resource) =>
      record({ subject: actor, kind: 'system' }, action, resource, {
        allowed: true,
        policyIds: [],
      }).then(() => undefined),
  };
}
