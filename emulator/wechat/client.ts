// Emulator layer (WeChat simulator): what the WeChat client does for wx.requestSubscribeMessage (docs/platform-facts.md §3.1–3.3).
import type { ClientSubscribeRequest, ClientSubscribeResult } from '../contracts';
import type { SimCore } from './core';

/** [RSM-EN] [RSM-MINIGAME] [COMM-3]: 3 ids per call (the current .md says 5: CONFLICT; 3 is the safe value). */
export const MAX_IDS_PER_CALL = 3;

const fail = (errCode: number, text: string): ClientSubscribeResult => ({
  ok: false,
  error: { errCode, errMsg: `requestSubscribeMessage:fail ${text}` },
});

/** [RSM-CNBLOGS] [COMM-ACCEPTWITH]: any status starting with "accept" (acceptWithAlert, acceptWithAudio…) is consent. */
export const isAccept = (status: string): boolean => status.startsWith('accept');

/**
 * `answered` (optional) collects the templates the user answered in a shown popup — what the popup push reports.
 * Answers replayed from "always keep", `ban` and `filter` showed no choice to the user.
 */
export function requestSubscribeMessage(
  core: SimCore,
  req: ClientSubscribeRequest,
  answered: { templateId: string; status: string }[] = [],
): ClientSubscribeResult {
  // Error codes and texts: [RSM-W3C] [RSM-CSDN] [RSM-MINIGAME-MIRROR].
  const raw: unknown = (req as { tmplIds?: unknown }).tmplIds;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return fail(10001, "TmplIds can't be empty");
  if (!Array.isArray(raw) || raw.some((id) => typeof id !== 'string' || id === '')) return fail(10004, 'Invalid template id');
  const ids = [...new Set(raw as string[])];
  if (ids.length > MAX_IDS_PER_CALL) return fail(20003, 'Templates count out of max bounds');
  const tpls = ids.map((id) => core.templates.get(id));
  if (tpls.some((t) => t === undefined)) return fail(20001, 'No template data return, verify the template id exist');
  // [RSM-MD] one-time (type 2) and long-term (type 3) ids cannot be mixed in one call.
  if (new Set(tpls.map((t) => t?.type)).size > 1) return fail(20002, 'Templates type must be same');
  if (core.policy.accountBanned) return fail(20005, 'This mini program was banned from subscribing messages');
  const user = core.users.get(req.openid);
  if (!user.mainSwitch) return fail(20004, 'The main switch is switched off');

  const result: Record<string, string> & { errMsg: string } = { errMsg: 'requestSubscribeMessage:ok' };
  const titles = new Set<string>();
  for (const t of tpls) {
    if (!t) continue;
    const id = t.priTmplId;
    // [RSM-MD] duplicate titles within one call keep only one ("只保留一个"); the others answer `filter`.
    if (titles.has(t.title)) {
      result[id] = 'filter';
      continue;
    }
    titles.add(t.title);
    if (core.policy.bannedTemplates.has(id)) {
      result[id] = 'ban';
      continue;
    }
    // [SUBMSG-GUIDE] [COMM-ALWAYS] "总是保持以上选择": later calls answer the saved choice without a popup; for one-time
    // templates each such call still adds one send.
    const saved = user.itemSettings.get(id);
    const status = saved ?? req.choices?.[id] ?? 'accept';
    if (saved === undefined && req.alwaysKeep) user.itemSettings.set(id, status);
    result[id] = status;
    if (saved === undefined) answered.push({ templateId: id, status });
    if (t.type === 3) {
      // [SUBMSG-OVERVIEW] long-term: one accept allows sending until the user turns it off.
      if (isAccept(status)) user.longTerm.set(id, true);
      else if (status === 'reject') user.longTerm.set(id, false);
    } else if (isAccept(status)) {
      // [COMM-ACCUM] one-time: every accept adds one send, no documented upper bound.
      user.quota.set(id, (user.quota.get(id) ?? 0) + 1);
    }
  }
  core.log(`wechat requestSubscribeMessage ${req.openid} ${JSON.stringify(result)}`);
  return { ok: true, result };
}
