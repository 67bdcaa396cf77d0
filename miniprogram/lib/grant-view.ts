// Mini program lib (pure): the rows of "我的订阅" from the ledger's GrantView plus the client's getSetting state.
import type { GrantView } from './types';

export interface LocalSetting { mainSwitch: boolean; itemSettings?: Record<string, unknown> }

export interface GrantRow {
  templateId: string;
  tmplIds: string[];
  title: string;
  kindText: string;
  remainingText: string;
  lastText: string;
  keepText: string;
  /** Asking again makes sense: not blocked by "always reject", a ban or the main switch. */
  canAsk: boolean;
  /** Only the settings page can change it (always-reject or ban ticked there). */
  needsSettings: boolean;
  canRevoke: boolean;
}

const LAST: Record<string, string> = { accept: '已同意', reject: '已拒绝', ban: '已屏蔽', filter: '被过滤（标题重复）' };

/** [COMM-ACCEPTWITH] itemSettings may hold undocumented `accept*` values: they mean accept. */
export function keepState(v: unknown): 'accept' | 'reject' | 'ban' | null {
  if (typeof v !== 'string') return null;
  if (v.startsWith('accept')) return 'accept';
  return v === 'reject' || v === 'ban' ? v : null;
}

export function remainingText(g: Pick<GrantView, 'kind' | 'remaining'>): string {
  if (g.kind === 'long-term') return g.remaining !== 0 ? '长期有效' : '未订阅';
  return g.remaining > 0 ? `还可接收 ${g.remaining} 条` : '0 条（需要再次订阅）';
}

/**
 * [SUBSETTING] itemSettings lists only templates where "总是保持以上选择" was ticked; the local value wins over the
 * ledger's copy. [COMM-ALWAYS] "always accept" only hides the popup: each tap still adds exactly one send.
 */
export function grantRows(items: GrantView[], local: LocalSetting | null, mainSwitch: boolean | null): GrantRow[] {
  return items.map((g) => {
    const keep = local ? keepState(local.itemSettings?.[g.templateId]) : g.alwaysKeep;
    // [SUBMSG-OVERVIEW] a long-term subscription has no count: "always accept" only skips the popup.
    const acceptText = g.kind === 'long-term' ? '总是接收（不再弹窗）' : '总是接收（不再弹窗，但每次点击仍只增加 1 条）';
    const keepChoice =
      keep === 'accept' ? acceptText
        : keep === 'reject' ? '总是拒绝（需在设置中修改）'
          : keep === 'ban' ? '已屏蔽（需在设置中修改）'
            : '未勾选“总是保持以上选择”';
    // [SUBSETTING] with the main switch off no message arrives, whatever was kept per template.
    const keepText = mainSwitch === false && keep !== null ? `${keepChoice}；总开关已关闭，暂不生效` : keepChoice;
    const needsSettings = keep === 'reject' || keep === 'ban' || mainSwitch === false;
    return {
      templateId: g.templateId,
      tmplIds: [g.templateId],
      title: g.title,
      kindText: g.kind === 'long-term' ? '长期订阅' : '一次性订阅',
      remainingText: remainingText(g),
      lastText: g.lastResult ? LAST[g.lastResult] ?? g.lastResult : '从未订阅',
      keepText,
      canAsk: !needsSettings && g.lastResult !== 'ban',
      needsSettings,
      canRevoke: g.remaining !== 0,
    };
  });
}

/** The `syncSettings` payload: only the app's own templates (itemSettings may also hold SYS_MSG_TYPE_* keys). */
export function settingsPayload(local: LocalSetting, templateIds: string[]): { mainSwitch: boolean; itemSettings: Record<string, string> } {
  const itemSettings: Record<string, string> = {};
  for (const id of templateIds) {
    const v = local.itemSettings?.[id];
    if (typeof v === 'string' && v.length <= 32) itemSettings[id] = v;
  }
  return { mainSwitch: local.mainSwitch, itemSettings };
}

export function mainSwitchText(v: boolean | null): string {
  return v === true ? '已开启' : v === false ? '已关闭（收不到任何订阅消息）' : '未知';
}

/** The full list with `updates` (e.g. `subscriptions.record`'s grants of the asked templates) replacing their rows. */
export function mergeGrants(items: GrantView[], updates: GrantView[]): GrantView[] {
  const byId = new Map(updates.map((g) => [g.templateId, g]));
  const merged = items.map((g) => byId.get(g.templateId) ?? g);
  return [...merged, ...updates.filter((g) => !items.some((i) => i.templateId === g.templateId))];
}
