/**
 * Forward-pass benchmark at real scale: generates (or reuses) the random-weight ViT-B/32 checkpoint,
 * recognises it with openCheckpointPath, loads it with loadParams, initialises the backend tfjs
 * picks in Node (WASM), and times clipVisionForward at each batch size: one warm-up pass, then the
 * median of --runs passes (outputs read back, so the time includes the whole computation).
 * Prints the figures as Markdown rows for docs/benchmarks.md ("Forward").
 *
 *   npm run --silent bench:forward -- [--runs 3] [--batches 1,8] [--model .cache/vitb32/pretrained]
 */
import * as tf from '@tensorflow/tfjs';
import { cpus, totalmem } from 'node:os';
import { initBackend } from '../src/engine/backend';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { VIT_B_32 } from '../src/engine/model/clip-vit/config';
import { clipVisionForward, disposeOutput } from '../src/engine/model/clip-vit/forward';
import { loadParams } from '../src/engine/model/clip-vit/load';
import { disposeParams } from '../src/engine/params/param-map';
import { createRng } from '../src/engine/random';
import { writeCheckpoint } from './gen-vitb32';

function parseArgs(argv: string[]): { runs: number; batches: number[]; model: string } {
  const o = { runs: 3, batches: [1, 8], model: '.cache/vitb32/pretrained' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--runs') { o.runs = Number(v); i++; }
    else if (argv[i] === '--batches') { o.batches = v.split(',').map(Number); i++; }
    else if (argv[i] === '--model') { o.model = v; i++; }
    else throw new Error(`unknown argument ${argv[i]} (options: --runs N, --batches 1,8, --model DIR)`);
  }
  if (!(o.runs >= 1) || o.batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error('--runs and --batches need whole numbers ≥ 1');
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const args = process.argv.slice(2);
  const command = `npm run --silent bench:forward${args.length ? ` -- ${args.join(' ')}` : ''}`;
  let t0 = performance.now();
  const wrote = await writeCheckpoint(o.model, VIT_B_32, 0, 0);
  console.log(`${wrote ? 'generated' : 'reused'} ${o.model} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const choice = await initBackend();
  t0 = performance.now();
  const ck = await openCheckpointPath(o.model);
  const params = await loadParams(ck);
  const loadS = (performance.now() - t0) / 1000;
  const c = ck.config;
  console.log(`recognised ${ck.layout} (${ck.configSource}): hidden ${c.hiddenSize}, ${c.numLayers} layers, ${c.numHeads} heads, MLP ${c.intermediateSize}, patch ${c.patchSize}, image ${c.imageSize}, projection ${c.projectionDim}; opened + loaded in ${loadS.toFixed(1)} s`);
  console.log(`backend ${choice.backend}${choice.wasmThreads ? ` (${choice.wasmThreads} thread${choice.wasmThreads > 1 ? 's' : ''})` : ''}: ${choice.reasons.join('; ')}`);

  const rng = createRng(1);
  const rows: string[] = [];
  for (const B of o.batches) {
    const px = new Float32Array(B * 3 * c.imageSize * c.imageSize).map(() => rng.normal());
    const pixels = tf.tensor4d(px, [B, 3, c.imageSize, c.imageSize]);
    const once = async () => {
      const start = performance.now();
      const out = clipVisionForward(params, c, pixels);
      const z = await out.imageEmbeds!.data();
      const ms = performance.now() - start;
      disposeOutput(out);
      if (!z.every(Number.isFinite)) throw new Error(`batch ${B}: the forward pass produced non-finite image embeddings`);
      return ms;
    };
    const first = await once();
    const times: number[] = [];
    for (let r = 0; r < o.runs; r++) times.push(await once());
    pixels.dispose();
    const m = median(times);
    console.log(`batch ${B}: first ${first.toFixed(0)} ms, median ${m.toFixed(0)} ms of ${o.runs} (${times.map((t) => t.toFixed(0)).join(', ')}) → ${(m / B).toFixed(0)} ms/image`);
    rows.push(`| ${B} | ${first.toFixed(0)} | ${m.toFixed(0)} | ${(m / B).toFixed(0)} |`);
  }
  disposeParams(params);
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  console.log(`\n${date}, ${machine}, tfjs ${tf.version.tfjs} ${choice.backend}; \`${command}\``);
  console.log('| batch | first pass (ms) | median (ms) | per image (ms) |\n|---|---|---|---|');
  console.log(rows.join('\n'));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
