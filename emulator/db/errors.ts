// Emulator layer (db): CloudBase-shaped database errors. wx-server-sdk 4.0.2 maps `code` through its TCB_ERR_CODE
// table (index.js, "TCB_ERR_CODE"); codes it does not list become errCode -501001 (SYS_ERR) with our message.
import { AdminError } from '../contracts';

/** Mapped by the SDK: DATABASE_COLLECTION_NOT_EXIST -502005, DATABASE_REQUEST_FAILED -502001,
 *  DATABASE_INVALID_OPERRATOR -502002 (sic), INVALID_PARAM -501007. The others are real CloudBase codes the table lacks. */
export const DB_ERROR_CODES = {
  collectionNotExist: 'DATABASE_COLLECTION_NOT_EXIST',
  collectionExists: 'DATABASE_COLLECTION_ALREADY_EXIST',
  requestFailed: 'DATABASE_REQUEST_FAILED',
  invalidOperator: 'DATABASE_INVALID_OPERRATOR',
  invalidParam: 'INVALID_PARAM',
  invalidAction: 'INVALID_ACTION',
  txConflict: 'DATABASE_TRANSACTION_CONFLICT',
  txFail: 'DATABASE_TRANSACTION_FAIL',
  sysErr: 'SYS_ERR',
} as const;

export function collectionNotExist(name: string): AdminError {
  return new AdminError(DB_ERROR_CODES.collectionNotExist, `[ResourceNotFound] Db or Table not exist: ${name}`);
}

export function collectionExists(name: string): AdminError {
  return new AdminError(DB_ERROR_CODES.collectionExists, `[ResourceUnavailable.ResourceExist] Table exist: ${name}`);
}

export function invalidParam(message: string): AdminError {
  return new AdminError(DB_ERROR_CODES.invalidParam, message);
}

export function invalidOperator(message: string): AdminError {
  return new AdminError(DB_ERROR_CODES.invalidOperator, message);
}

export function requestFailed(message: string): AdminError {
  return new AdminError(DB_ERROR_CODES.requestFailed, message);
}

/** [E11000-NOTE] CloudBase passes MongoDB's duplicate-key text through as a generic request failure (-502001). */
export function duplicateKey(collection: string, index: string, key: string): AdminError {
  return requestFailed(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`);
}

/**
 * CloudBase's transaction conflict, word for word (node-sdk test/database/unit/transaction.test.ts). `detail` (which
 * document, why) is not part of the answer: the emulator logs it.
 */
export const TX_CONFLICT_MESSAGE =
  '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.';

export function txConflict(): AdminError {
  return new AdminError(DB_ERROR_CODES.txConflict, TX_CONFLICT_MESSAGE);
}

/**
 * An operation on a transaction the server no longer has (committed, rolled back, expired or never started):
 * CloudBase answers DATABASE_TRANSACTION_FAIL with this text (same test file); wx-server-sdk's table lacks the code,
 * so callers see errCode -501001.
 */
export const TX_NOT_EXIST_MESSAGE =
  '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.';

export function txNotFound(): AdminError {
  return new AdminError(DB_ERROR_CODES.txFail, TX_NOT_EXIST_MESSAGE);
}

/** Any thrown value as an AdminError: mingo's errors become invalid-operator or request-failed errors. */
export function toAdminError(e: unknown): AdminError {
  if (e instanceof AdminError) return e;
  // The JS engine's own errors (a query nested too deeply: RangeError; a bug: TypeError…) are not answers: the
  // caller gets a stable message, the emulator log has the stack (emulator/db/index.ts logs non-AdminErrors).
  if (e instanceof RangeError || e instanceof TypeError || e instanceof ReferenceError || e instanceof SyntaxError) {
    return requestFailed('the local emulator could not evaluate this request (see the emulator log)');
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/(unknown|unregistered|invalid) [a-z ]*operator/i.test(message)) return invalidOperator(message);
  return requestFailed(message);
}
