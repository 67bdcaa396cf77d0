// Adapters: the template-management cloud calls (cloud.openapi.subscribeMessage.getCategory, getPubTemplateTitleList,
// getPubTemplateKeyWordsById, addTemplate, deleteTemplate) as core/template/library.ts's TemplateLibrary. Vendor
// exceptions become plain results (toFailedAttempt); each call site is written out so test/build/function-config
// can check config.json permissions.openapi against the bundle ([OPENAPI-GUIDE]).
import type { CallResult, PublicKeyword, TemplateLibrary } from '../core/template/library';
import { initCloud } from './runtime';
import { toFailedAttempt, type OpenApiClient } from './wechat-sender';

async function attempt<T>(call: () => Promise<unknown>, read: (res: Record<string, unknown>) => T): Promise<CallResult<T>> {
  try {
    const res = (await call()) as Record<string, unknown> | undefined;
    return { ok: true, value: read(res ?? {}) };
  } catch (err) {
    const f = toFailedAttempt(err);
    return { ok: false, errCode: f.errCode, errMsg: f.errMsg };
  }
}

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

export function createTemplateLibrary(options: { client?: OpenApiClient } = {}): TemplateLibrary {
  const c = (): OpenApiClient => options.client ?? initCloud();
  return {
    categories: () => attempt(() => c().openapi.subscribeMessage.getCategory({}), (r) => list<{ id: number; name: string }>(r.data)),
    // [MMM-MIRROR] ids: category ids comma-separated; start from 0; limit ≤ 30.
    titles: (q) =>
      attempt(
        () => c().openapi.subscribeMessage.getPubTemplateTitleList({ ids: q.ids.join(','), start: q.start, limit: q.limit }),
        (r) => ({ count: num(r.count), data: list<{ tid: number; title: string; type: number; categoryId: number }>(r.data) }),
      ),
    keywords: (tid) => attempt(() => c().openapi.subscribeMessage.getPubTemplateKeyWordsById({ tid }), (r) => ({ count: num(r.count), data: list<PublicKeyword>(r.data) })),
    // [SDK-SRC] the SDK snake_cases the keys (kid_list, scene_desc) on the way out.
    add: (req) =>
      attempt(() => c().openapi.subscribeMessage.addTemplate({ tid: req.tid, kidList: req.kidList, sceneDesc: req.sceneDesc }), (r) => ({ priTmplId: String(r.priTmplId ?? '') })),
    remove: (priTmplId) => attempt(() => c().openapi.subscribeMessage.deleteTemplate({ priTmplId }), () => null),
  };
}
