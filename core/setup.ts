// Core: the setup use case — create every collection Tixing uses and report the indexes to create.
/** One index as declared in config/indexes.json. */
export interface IndexSpec {
  name: string;
  unique: boolean;
  keys: { name: string; direction: string }[];
}

export interface SetupPort {
  /** Creates the collection; resolves false when it already existed. */
  createCollection(name: string): Promise<boolean>;
}

export interface SetupReport {
  created: string[];
  existing: string[];
  indexes: { collection: string; name: string; unique: boolean; keys: string }[];
}

export async function runSetup(port: SetupPort, indexes: Record<string, IndexSpec[]>): Promise<SetupReport> {
  const report: SetupReport = { created: [], existing: [], indexes: [] };
  for (const [collection, specs] of Object.entries(indexes)) {
    if (await port.createCollection(collection)) report.created.push(collection);
    else report.existing.push(collection);
    for (const spec of specs) {
      report.indexes.push({
        collection,
        name: spec.name,
        unique: spec.unique,
        keys: spec.keys.map((k) => `${k.name} ${k.direction === '-1' ? 'desc' : k.direction === '1' ? 'asc' : k.direction}`).join(', '),
      });
    }
  }
  return report;
}
