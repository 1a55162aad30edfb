/**
 * Measures a written zoo exactly as the lab and `mergelab eval` do (suite reader, SuiteEvaluator,
 * merge registry): pretrained, individual and the three data-free merges the issue asks about —
 * weight averaging, Task Arithmetic (λ 0.3) and TIES (k 20, λ 0.3, dis-sum) — per task and on
 * average, on all test images or the first `limit` of each task.
 */
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { SuiteEvaluator, type TaskAccuracy } from '../../src/engine/eval/evaluate';
import { mergeToParamMap } from '../../src/engine/merge/in-memory';
import type { MergeParams } from '../../src/engine/merge/types';
import { disposeParams } from '../../src/engine/params/param-map';

export const MERGES: readonly { id: string; label: string; params: MergeParams }[] = [
  { id: 'average', label: 'Weight averaging', params: {} },
  { id: 'task_arithmetic', label: 'Task Arithmetic (λ 0.3)', params: { lambda: 0.3 } },
  { id: 'ties', label: 'TIES (k 20, λ 0.3)', params: { k: 20, lambda: 0.3 } },
];

export interface Row {
  label: string;
  tasks: TaskAccuracy;
  average: number;
}

export interface Measurement {
  /** Test images scored per task. */
  images: Record<string, number>;
  rows: Record<string, Row>; // pretrained, individual, then one per merge id
}

const mean = (t: TaskAccuracy) => Object.values(t).reduce((a, b) => a + b, 0) / Object.keys(t).length;
const row = (label: string, tasks: TaskAccuracy): Row => ({ label, tasks, average: mean(tasks) });

export async function measureSuite(dir: string, limit?: number): Promise<Measurement> {
  const suite = await openSuiteDir(dir);
  const ev = new SuiteEvaluator(suite);
  try {
    const opts = { limit, batchSize: 100 };
    const refs = await ev.references(opts);
    const rows: Record<string, Row> = { pretrained: row('Pretrained (zero-shot head)', refs.pretrained), individual: row('Individual (experts)', refs.individual) };
    for (const m of MERGES) {
      const merged = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: m.id, params: m.params });
      try {
        rows[m.id] = row(m.label, await ev.score({ key: JSON.stringify([m.id, m.params]), params: merged.weights }, opts));
      } finally {
        disposeParams(merged.weights);
      }
    }
    return { images: refs.images, rows };
  } finally {
    ev.dispose();
  }
}
