/**
 * Which `*.parquet` files of a task folder make up a split, in the order their rows are read.
 * Hugging Face names shards `<split>-00000-of-00002.parquet` (in `data/` of a dataset repository);
 * a single file may be `<split>.parquet` or `<split>-….parquet`. Files are read in name order
 * (path order, so `data/test-00000…` precedes `data/test-00001…`). Parquet files that name no split
 * at all (`sun397.parquet`) are taken as the test split when no file names one.
 */

const SPLITS = ['train', 'test', 'validation', 'valid', 'val', 'dev'];

function splitOf(path: string): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const m = /^([a-z]+)(?:[-_.].*)?\.parquet$/.exec(base);
  return m && SPLITS.includes(m[1]) ? m[1] : null;
}

export function isParquetFile(path: string): boolean {
  return path.toLowerCase().endsWith('.parquet');
}

/** The paths (relative to the task folder) of `split`'s parquet files, sorted by name. */
export function parquetSplitFiles(paths: readonly string[], split: string): string[] {
  const parquet = paths.filter(isParquetFile);
  const named = parquet.filter((p) => splitOf(p) === split);
  const chosen = named.length || split !== 'test' || parquet.some((p) => splitOf(p) !== null) ? named : parquet;
  return [...chosen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
