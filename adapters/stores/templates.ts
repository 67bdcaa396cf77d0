// Adapters: the `templates` collection on cloud.database() (TemplateStore of core/template/registry.ts).
import type { TemplateDoc, TemplateStore } from '../../core/template/registry';
import { db, type Doc } from '../db';

const COLLECTION = 'templates';

function toDoc(raw: Doc | null | undefined): TemplateDoc | null {
  if (!raw || typeof raw._id !== 'string') return null;
  return raw as unknown as TemplateDoc;
}

/** [SDK-SRC] -502005 "database collection not exists": before `setup` ran, the declared templates still apply. */
function missingCollection(err: unknown): boolean {
  const e = err as { errCode?: unknown; message?: unknown; errMsg?: unknown };
  return e?.errCode === -502005 || /collection.*not.*exist|COLLECTION_NOT_EXIST/i.test(String(e?.errMsg ?? e?.message ?? ''));
}

export function createTemplateStore(): TemplateStore {
  return {
    async list() {
      // A registry holds a few dozen templates at most ([MMM-MIRROR] private-template cap); one page of 100 is enough.
      try {
        const res = await db().collection(COLLECTION).limit(100).get();
        return res.data.map(toDoc).filter((d): d is TemplateDoc => d !== null);
      } catch (err) {
        if (missingCollection(err)) return [];
        throw err;
      }
    },
    async get(id) {
      try {
        const res = await db().collection(COLLECTION).doc(id).get();
        return toDoc(res.data);
      } catch (err) {
        if (missingCollection(err)) return null;
        throw err;
      }
    },
    async put(doc) {
      const { _id, ...data } = doc;
      await db().collection(COLLECTION).doc(_id).set({ data: data as unknown as Doc });
    },
    async remove(id) {
      await db().collection(COLLECTION).doc(id).remove();
    },
  };
}
