// Emulator layer (db): a handler result CloudBase answers at the top level of the body instead of under `data`.
// `database.startTransaction` answers `{ requestId, transactionId }`: @cloudbase/database src/transaction/index.ts
// reads `res.transactionId`. Proposed for emulator/contracts.ts; the brand lets any copy of the class be recognised.

const BRAND = Symbol.for('tixing.emulator.topLevelAnswer');

export class TopLevelAnswer {
  readonly [BRAND] = true;
  constructor(public readonly fields: Record<string, unknown>) {}

  static is(value: unknown): value is TopLevelAnswer {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The JSON body for a handler result: `{ requestId, ...fields }` or `{ requestId, data }`. */
export function answerBody(requestId: string, result: unknown): Record<string, unknown> {
  if (TopLevelAnswer.is(result)) return { ...result.fields, requestId };
  return { requestId, data: result };
}
