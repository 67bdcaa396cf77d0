// Unit: the template-library use cases (core/template/library.ts) over in-memory fakes with a fixed clock — WeChat
// errcodes become clear codes, the registry follows add/delete, and retries after a dead invocation converge.
import { DomainError } from '../../core/envelope';
import { addFromLibrary, deleteFromAccount, listTitles, type CallResult, type LibraryDeps, type TemplateLibrary } from '../../core/template/library';
import type { WechatTemplate } from '../../core/template/registry';
import { fixedClock, MemoryTemplateStore, T0 } from '../sending/fakes';

const NEW: WechatTemplate = { priTmplId: 'NEW1', title: '签到提醒', type: 2, content: '连续天数:{{number2.DATA}}\n签到项目:{{thing1.DATA}}\n' };
const fail = (errCode: number): CallResult<never> => ({ ok: false, errCode, errMsg: `err ${errCode}` });

function setup(opts: { add?: CallResult<{ priTmplId: string }>; remove?: CallResult<null>; account?: WechatTemplate[] } = {}) {
  const account = [...(opts.account ?? [])];
  const calls: string[] = [];
  const library: TemplateLibrary = {
    categories: async () => ({ ok: true, value: [] }),
    titles: async (q) => (calls.push(`titles ${q.ids.join(',')} ${q.start} ${q.limit}`), { ok: true, value: { count: 1, data: [{ tid: 7, title: 't', type: 3, categoryId: 1 }] } }),
    keywords: async () => ({ ok: true, value: { count: 0, data: [] } }),
    add: async (req) => {
      calls.push(`add ${req.tid} ${req.kidList.join(',')}`);
      const r = opts.add ?? { ok: true, value: { priTmplId: NEW.priTmplId } };
      if (r.ok) account.push(NEW);
      return r;
    },
    remove: async (id) => {
      calls.push(`remove ${id}`);
      const r = opts.remove ?? { ok: true, value: null };
      if (r.ok) account.splice(account.findIndex((t) => t.priTmplId === id), 1);
      return r;
    },
  };
  const store = new MemoryTemplateStore();
  const deps: LibraryDeps = {
    library, store, clock: fixedClock(), declaredIds: new Set(['TPL_EVENT_REMINDER']),
    source: { fetch: async () => (calls.push('getTemplateList'), { ok: true, templates: [...account] }) },
  };
  return { deps, store, calls, account };
}

const codeOf = async (p: Promise<unknown>): Promise<[string, unknown]> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return [e.code, (e.details as { errCode?: number } | undefined)?.errCode];
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('addFromLibrary', () => {
  it('adds, then syncs: the registry holds the new template with its keywords', async () => {
    const { deps, store } = setup();
    const r = await addFromLibrary(deps, { tid: 1006, kidList: [2, 1], sceneDesc: '签到' });
    expect(r).toMatchObject({ templateId: 'NEW1', template: { title: '签到提醒', source: 'sync', keywords: [{ key: 'number2' }, { key: 'thing1' }] }, synced: { added: 1 } });
    expect((await store.get('NEW1'))?.syncedAt).toBe(T0);
  });

  it('200022 (already added, e.g. by a run that died before its sync): syncs, then CONFLICT', async () => {
    const { deps, store, calls } = setup({ add: fail(200022), account: [NEW] });
    expect(await codeOf(addFromLibrary(deps, { tid: 1006, kidList: [2, 1], sceneDesc: '签到' }))).toEqual(['CONFLICT', 200022]);
    expect(calls).toEqual(['add 1006 2,1', 'getTemplateList']);
    expect(await store.get('NEW1')).not.toBeNull();
  });

  it.each([
    [200012, 'CONFLICT'], [200014, 'NOT_FOUND'], [200020, 'INVALID_INPUT'], [200021, 'INVALID_INPUT'], [200011, 'FORBIDDEN'],
    [200013, 'FORBIDDEN'], [-604101, 'MISSING_PERMISSION'], [-1, 'INTERNAL'],
  ])('errcode %i → %s, nothing written, no sync', async (errCode, code) => {
    const { deps, store, calls } = setup({ add: fail(errCode) });
    expect(await codeOf(addFromLibrary(deps, { tid: 1006, kidList: [1, 2], sceneDesc: '签到' }))).toEqual([code, errCode]);
    expect(await store.list()).toEqual([]);
    expect(calls).toEqual(['add 1006 1,2']);
  });
});

describe('deleteFromAccount', () => {
  it('deletes in WeChat, then the registry copy', async () => {
    const { deps, store, account } = setup({ account: [NEW] });
    await store.put({ _id: 'NEW1', title: '签到提醒', kind: 'one-time', content: NEW.content, keywords: [], source: 'sync', syncedAt: T0 });
    expect(await deleteFromAccount(deps, { templateId: 'NEW1' })).toEqual({ templateId: 'NEW1', deleted: true });
    expect(await store.get('NEW1')).toBeNull();
    expect(account).toEqual([]);
  });

  it('a declared template is refused before any call', async () => {
    const { deps, calls } = setup();
    expect(await codeOf(deleteFromAccount(deps, { templateId: 'TPL_EVENT_REMINDER' }))).toEqual(['CONFLICT', undefined]);
    expect(calls).toEqual([]);
  });

  it('20001 and WeChat no longer lists it: a registry copy left behind goes (the retry of a dead run)', async () => {
    const { deps, store } = setup({ remove: fail(20001) });
    await store.put({ _id: 'GONE', title: 'x', kind: 'one-time', content: '', keywords: [], source: 'sync', syncedAt: T0 });
    expect(await deleteFromAccount(deps, { templateId: 'GONE' })).toEqual({ templateId: 'GONE', deleted: true });
    expect(await store.get('GONE')).toBeNull();
  });

  it('20001 with nothing left anywhere: NOT_FOUND', async () => {
    const { deps } = setup({ remove: fail(20001) });
    expect(await codeOf(deleteFromAccount(deps, { templateId: 'GONE' }))).toEqual(['NOT_FOUND', undefined]);
  });

  it('20001 while WeChat still lists it (a real system error): INTERNAL, the registry copy stays', async () => {
    const { deps, store } = setup({ remove: fail(20001), account: [NEW] });
    await store.put({ _id: 'NEW1', title: '签到提醒', kind: 'one-time', content: NEW.content, keywords: [], source: 'sync', syncedAt: T0 });
    expect(await codeOf(deleteFromAccount(deps, { templateId: 'NEW1' }))).toEqual(['INTERNAL', 20001]);
    expect(await store.get('NEW1')).not.toBeNull();
  });
});

it('listTitles: limit at most 30, kinds from type', async () => {
  const { deps, calls } = setup();
  expect(await listTitles(deps, { categoryIds: [1, 2], limit: 99 })).toEqual({ count: 1, start: 0, titles: [{ tid: 7, title: 't', kind: 'long-term', categoryId: 1 }] });
  expect(calls).toEqual(['titles 1,2 0 30']);
});
