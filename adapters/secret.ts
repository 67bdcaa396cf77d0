// Adapters: the environment's server-side secret, and the reminder ids keyed by it (core/reminders/ports.ts ReminderIds).
// The secret is 32 random bytes in the `secrets` collection (admin side only: cloud functions and the console read
// it; set the collection's permission to 仅管理端可读写 [PERM-DOC]). It is created on first use: concurrent first
// uses race on one fixed `_id`, the database keeps one, and every caller reads that one — so every container of
// every function derives the same ids.
import { createHmac, randomBytes } from 'node:crypto';
import type { ReminderIds } from '../core/reminders/ports';
import { db } from './db';
import { insertOnce } from './stores/grants-db';

export const SECRETS = 'secrets';
const SECRET_ID = 'ids';

let cached: Promise<string> | null = null;

async function loadSecret(): Promise<string> {
  const col = db().collection(SECRETS);
  const read = async (): Promise<string | null> => {
    const { data } = await col.doc(SECRET_ID).get();
    const value = (data as { value?: unknown } | null)?.value;
    return typeof value === 'string' && value.length >= 32 ? value : null;
  };
  const existing = await read();
  if (existing) return existing;
  await insertOnce(col, { _id: SECRET_ID, value: randomBytes(32).toString('hex'), createdAt: Date.now() });
  const won = await read();
  if (!won) throw new Error('secrets: the id secret could not be created or read');
  return won;
}

/** The secret, read once per warm container (a failed read is retried on the next call). */
export function serverSecret(): Promise<string> {
  if (!cached) cached = loadSecret().catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}

/** `reminder:<sourceId>:<tag>`, tag = HMAC-SHA256(secret, openid, sourceId) in 22 base64url characters (132 bits). */
export function createReminderIds(secret: () => Promise<string> = serverSecret): ReminderIds {
  return {
    async idFor(openid, sourceId) {
      const tag = createHmac('sha256', await secret()).update(`reminder\n${openid}\n${sourceId}`).digest('base64url').slice(0, 22);
      return `reminder:${sourceId}:${tag}`;
    },
  };
}
