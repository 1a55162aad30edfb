/**
 * `npx tsx scripts/bench-pickle.ts <folder-or-file>...`: how lazily a checkpoint opens — per path,
 * the time to recognise it, the bytes read doing so, the time to read every parameter, and the
 * process's peak RSS. Compare a pytorch_model.bin with the model.safetensors it came from.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ByteSource } from '../src/engine/io/byte-source';
import { nodeFileSource } from '../src/engine/io/node-source.node.js';
import { openCheckpoint } from '../src/engine/model/clip-vit/open-checkpoint';

function counted(src: ByteSource, tally: { bytes: number }): ByteSource {
  return { name: src.name, size: src.size, read: (o, n) => { tally.bytes += n; return src.read(o, n); } };
}

for (const path of process.argv.slice(2)) {
  const files = (await stat(path)).isDirectory() ? (await readdir(path)).map((f) => join(path, f)) : [path];
  const tally = { bytes: 0 };
  const sources = await Promise.all(files.map(async (f) => counted(await nodeFileSource(f), tally)));
  const size = sources.reduce((a, s) => a + s.size, 0);
  let peak = process.memoryUsage().rss;
  const t0 = performance.now();
  const ck = await openCheckpoint(basename(path), sources);
  const openMs = performance.now() - t0;
  const openBytes = tally.bytes;
  peak = Math.max(peak, process.memoryUsage().rss);
  const t1 = performance.now();
  for (const p of ck.params) { await ck.readParam(p.name); peak = Math.max(peak, process.memoryUsage().rss); }
  const readMs = performance.now() - t1;
  console.log(JSON.stringify({
    path, fileMB: +(size / 1e6).toFixed(1), openMs: Math.round(openMs), openBytesRead: openBytes, params: ck.params.length,
    readAllMs: Math.round(readMs), readAllGBs: +((tally.bytes - openBytes) / 1e9 / (readMs / 1000)).toFixed(2), peakRssMB: Math.round(peak / 1e6), firstNote: ck.notes[0],
  }));
}
