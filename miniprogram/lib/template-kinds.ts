// Mini program lib (pure): the kinds of the app's demo templates, so a tap never mixes one-time and long-term.
// Mirrors the template registry (config/templates.json, type 2 = one-time, 3 = long-term [MMM-MIRROR]); a page may
// pass fresher kinds (e.g. from `subscriptions.list`) through the subscribe-button's `kinds` property.
// test/miniprogram/parity.test.ts compares KNOWN_KINDS with config/templates.json as core reads it.
import type { Kind } from './types';

export type TemplateKind = Kind;

export const KNOWN_KINDS: Readonly<Record<string, TemplateKind>> = {
  TPL_EVENT_REMINDER: 'one-time',
  TPL_ORDER_STATUS: 'one-time',
  TPL_NEW_ARRIVAL: 'one-time',
  TPL_SERVICE_NOTICE: 'long-term',
  TPL_APPLY_RESULT: 'one-time',
};

/** core/reminders/message.ts REMINDER_TEMPLATE: the template the reminders function sends. */
export const EVENT_REMINDER_TEMPLATE = 'TPL_EVENT_REMINDER';

/** The template the example `orderStatus` function notifies with (cloudfunctions/orderStatus ORDER_TEMPLATE). */
export const ORDER_STATUS_TEMPLATE = 'TPL_ORDER_STATUS';

/** Looks a kind up in `overrides` first, then in the known registry. */
export function kindLookup(overrides?: Record<string, unknown> | null): (id: string) => TemplateKind | undefined {
  return (id) => {
    const o = overrides?.[id];
    if (o === 'one-time' || o === 'long-term') return o;
    return KNOWN_KINDS[id];
  };
}
