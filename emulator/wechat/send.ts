// Emulator layer (WeChat simulator): subscribeMessage.send — WeChat's checks, quota, and the delivered card.
import type { InboxItem } from '../contracts';
import { internStrings } from '../intern';
import { placeholders, renderCard } from './content';
import type { SimCore, WxBody } from './core';
import { isKnownPage, readAppPages } from './pages';
import { judgeData } from './rules';
import { enumValuesByKey } from './seed';

// [SEND-NEW] §1.2: miniprogram_state developer|trial|formal (default formal), lang zh_CN (default)|en_US|zh_HK|zh_TW.
const STATES = ['developer', 'trial', 'formal'];
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

export interface SendOutcome {
  body: WxBody;
  /** Set on success: the card now in the user's inbox. */
  delivered?: InboxItem;
  /** Openid whose in-flight mark the caller must release once the answer's latency has passed. */
  lockedOpenid?: string;
}

/**
 * Runs the checks in the order of the documented error tables ([SEND-NEW-MIRROR], [SEND-OLD]): touser 40003,
 * template_id 40037, page 41030, data 47003, then the account/user side: 43107 bans, 45168 words, 43108 concurrency,
 * 43101 no subscription. On success it delivers at once (quota −1 for one-time templates) and holds the user's
 * in-flight mark so that a concurrent send to the same user answers 43108 until this answer goes out.
 */
export function handleSend(core: SimCore, p: Record<string, unknown>): SendOutcome {
  const touser = p.touser;
  if (typeof touser !== 'string' || !OPENID.test(touser)) return { body: core.fail(40003, 'invalid openid') };

  const templateId = p.template_id;
  const tpl = typeof templateId === 'string' ? core.templates.get(templateId) : undefined;
  if (!tpl) return { body: core.fail(40037, 'invalid template_id') };

  const page = p.page;
  if (page !== undefined && page !== null && page !== '') {
    if (typeof page !== 'string' || !isKnownPage(page, readAppPages(core.appJsonPath, core.log))) {
      return { body: core.fail(41030, 'invalid page') };
    }
  }

  // [SEND-NEW-MIRROR] 47003: "argument invalid! data.thing2.value invalid"; [COMM-47003] "... value is empty".
  // Decided by the emulator's own table of the documented rules (./rules), never by the product's validator.
  const fields = placeholders(tpl.content);
  const bad = judgeData(fields, p.data, enumValuesByKey(tpl));
  if (bad) return { body: core.fail(47003, bad.errmsg) };
  for (const [name, value, allowed] of [
    ['miniprogram_state', p.miniprogram_state, STATES],
    ['lang', p.lang, LANGS],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
      return { body: core.fail(47003, `argument invalid! ${name} invalid`) };
    }
  }

  if (core.policy.accountBanned || core.policy.bannedTemplates.has(tpl.priTmplId)) {
    return { body: core.fail(43107, 'subscribe message ability banned') };
  }
  const data = p.data as Record<string, { value: string }>;
  const values: Record<string, string> = {};
  for (const f of fields) values[f.key] = String(data[f.key]?.value ?? '');
  if (Object.values(values).some((v) => core.policy.sensitiveWords.some((w) => v.includes(w)))) {
    return { body: core.fail(45168, 'hit sensitive words') };
  }

  if (!core.inflight.tryAcquire(touser)) return { body: core.fail(43108, 'concurrent send to the same user') };
  const user = core.users.get(touser);
  // [SEND-NEW-MIRROR] 43101: not subscribed, or the one-time grants were used up. A user whose main switch is off
  // receives nothing either (simulator choice: answered as 43101).
  const longTerm = tpl.type === 3;
  const granted = longTerm ? user.longTerm.get(tpl.priTmplId) === true : (user.quota.get(tpl.priTmplId) ?? 0) > 0;
  if (!granted || !user.mainSwitch) {
    core.inflight.release(touser);
    return { body: core.fail(43101, 'user refuse to accept the msg') };
  }
  if (!longTerm) user.quota.set(tpl.priTmplId, (user.quota.get(tpl.priTmplId) ?? 0) - 1);

  const lang = typeof p.lang === 'string' ? p.lang : undefined;
  const rendered = renderCard(tpl.title, tpl.content, values, { ...(typeof page === 'string' ? { page } : {}), ...(lang ? { lang } : {}) });
  const item: InboxItem = {
    msgid: core.nextMsgid(),
    templateId: tpl.priTmplId,
    title: tpl.title,
    ...(typeof page === 'string' && page !== '' ? { page } : {}),
    data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])),
    rendered,
    at: core.clock.now(),
    ...(typeof p.miniprogram_state === 'string' ? { miniprogramState: p.miniprogram_state } : {}),
    ...(lang ? { lang } : {}),
  };
  internStrings(item); // every recipient of a campaign gets the same card: one copy of its text (emulator/intern.ts)
  user.inbox.push(item);
  // msgid as a JSON number, as third-party SDK docs show it ([LIBWECHAT]); see nextMsgid for the size.
  return { body: core.ok({ msgid: Number(item.msgid) }), delivered: item, lockedOpenid: touser };
}
