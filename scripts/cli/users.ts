// Scripts (operator CLI): `users import <file.csv>` — the CSV format of core/users/csv.ts, parsed and checked on the
// operator's machine, good rows written through the same profile store as the `users` function
// (adapters/stores/users.ts createProfileStore) with progress; bad rows are reported by line and never stop the
// others. Each row's write is idempotent, so an interrupted import is simply run again.
import { readFileSync } from 'node:fs';
import type { Database } from '../../adapters/db';
import { createProfileStore } from '../../adapters/stores/users';
import { CsvHeaderError, parseUsersCsv } from '../../core/users/csv';
import { importRows } from '../../core/users/use-cases';
import { CliError, type Out } from './commands';

export interface ImportReport {
  file: string;
  imported: number;
  bad: { line: number; reason: string }[];
}

export async function importUsersCommand(
  db: Database,
  file: string,
  out: Out,
  err: Out,
  opts: { json?: boolean; now: () => number; progressEvery?: number },
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed;
  try {
    parsed = parseUsersCsv(text);
  } catch (e) {
    if (e instanceof CsvHeaderError) throw new CliError(`${file}: header: ${e.message} — nothing imported`);
    throw e;
  }
  const total = parsed.rows.length;
  const every = opts.progressEvery ?? 100;
  err(`importing ${total} row(s) from ${file}${parsed.bad.length ? ` (${parsed.bad.length} bad row(s) skipped, listed below)` : ''}`);
  const store = createProfileStore(() => db);
  const imported = await importRows(store, parsed.rows, opts.now(), (done) => {
    if (done % every === 0 || done === total) err(`  ${done}/${total} imported`);
  });
  const report: ImportReport = { file, imported, bad: parsed.bad };
  if (opts.json) out(JSON.stringify(report, null, 2));
  else {
    out(`imported ${imported} user(s) from ${file}`);
    if (report.bad.length) {
      out(`${report.bad.length} bad row(s), not imported (fix them and run the import again; good rows are kept):`);
      for (const b of report.bad) out(`  line ${b.line}: ${b.reason}`);
    }
  }
  return report.bad.length ? 1 : 0;
}
