// Adapters: the one place that reads what a database error means. wx-server-sdk rejects with a CloudSDKError whose
// `errCode` / `errMsg` carry CloudBase's answer ([SDK-SRC] ERR_CODE: -502005 collection not exists, -502001 request
// failed); a duplicate `_id` or unique key comes back as a request failure quoting MongoDB's E11000 text
// ([E11000-NOTE], unverified upstream); creating a collection that exists answers DATABASE_COLLECTION_ALREADY_EXIST.
export type DbErrorKind = 'missing_collection' | 'duplicate' | 'collection_exists' | 'other';

export function dbErrorKind(err: unknown): DbErrorKind {
  const e = (err ?? {}) as { errCode?: unknown; code?: unknown; errMsg?: unknown; message?: unknown };
  const text = `${String(e.code ?? '')} ${String(e.errMsg ?? '')} ${String(e.message ?? (typeof err === 'string' ? err : ''))}`;
  if (e.errCode === -502005 || /COLLECTION_NOT_EXIST|collection.*not ?exist/i.test(text)) return 'missing_collection';
  if (/ALREADY_EXIST|already exists?/i.test(text)) return 'collection_exists';
  if (/E11000|duplicate key/i.test(text)) return 'duplicate';
  return 'other';
}

/** Runs `op`; a collection that does not exist yet answers `fallback` instead (before `setup` ran). */
export async function orIfMissing<T>(op: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (dbErrorKind(err) === 'missing_collection') return fallback;
    throw err;
  }
}
