import type { NotificationEvent, NotificationEventType } from './notification-event.js';

/** How a sink wants its body: the event as JSON, or a Slack incoming-webhook message. */
export type SinkFormat = 'json' | 'slack';

/** A Slack-compatible message: `text` is the fallback, `blocks` the formatted one. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly {
    readonly type: 'section' | 'context';
    readonly text?: { readonly type: 'mrkdwn'; readonly text: string };
    readonly elements?: readonly { readonly type: 'mrkdwn'; readonly text: string }[];
  }[];
}

const HEADLINES: Record<NotificationEventType, string> = {
  expiring: 'expires soon',
  expired: 'expired and was deleted',
  created: 'was created',
  deleted: 'was deleted',
  failed: 'failed to deploy',
};

/** The one-line sentence of an event, e.g. `Environment sue-poc (sue) expires soon: at …`. */
export function eventSentence(event: NotificationEvent): string {
  const base = `Environment ${event.environment} (${event.environment_type}) ${HEADLINES[event.type]}`;
  switch (event.type) {
    case 'expiring':
      return `${base}: at ${event.expires_at ?? '?'}. Extend it with \`platformctl env extend ${event.environment}\` to keep it.`;
    case 'failed':
      return event.reason === undefined ? `${base}.` : `${base}: ${event.reason}`;
    default:
      return `${base}.`;
  }
}

/** The Slack body of an event: the sentence, plus who owns it and the event's id. */
export function slackMessage(event: NotificationEvent): SlackMessage {
  const text = eventSentence(event);
  const facts = [
    `*user* ${event.user}`,
    `*pool* ${event.pool}`,
    ...(event.expires_at === null ? [] : [`*expires* ${event.expires_at}`]),
    `*event* \`${event.id}\``,
  ];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] },
    ],
  };
}

/** The request body a sink of `format` receives for `event` (JSON text). */
export function sinkBody(event: NotificationEvent, format: SinkFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(event) : event);
}
