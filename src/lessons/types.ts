/**
 * The vocabulary of the lessons: a lesson is data — a sequence of steps, each
 * with a short explanation and its source, the tool's setup as a URL hash (method, parameters,
 * hidden controls; src/state/url/codec.ts), one thing to do, a goal read from the lab's state and
 * what to notice, written from the learner's own numbers.
 */
import type { MethodId, ParamValue } from '../engine/merge/types';
import type { Facts } from './facts';

/** When a step is done, from the lab's state (see goalMet in facts.ts). */
export type Goal =
  /** A suite (the demo) is loaded. */
  | { kind: 'suite' }
  /**
   * At least `runs` (default 1) evaluated merge runs of the method whose parameters include
   * `where`; with `distinct`, runs with that many different values of that parameter.
   */
  | { kind: 'merge'; method: MethodId; where?: Readonly<Record<string, ParamValue>>; runs?: number; distinct?: string }
  /** An evaluated merge of a task subset (fewer experts than the suite has). */
  | { kind: 'subset' }
  /** At least `points` λ values scored by the sweep. */
  | { kind: 'sweep'; points: number }
  /** The task-vector analytics finished. */
  | { kind: 'analytics' }
  /** The bias explorer measured the runs it compares now (with a corrected run, when asked). */
  | { kind: 'bias'; corrected?: boolean }
  /** A finished training run with this correction whose correction parameters include `where`. */
  | { kind: 'train'; correction: string; where?: Readonly<Record<string, ParamValue>> }
  /** Nothing to detect: the learner reads and presses Done. */
  | { kind: 'look' };

export interface LessonStep {
  title: string;
  /** Two to four sentences, accurate to the paper. */
  explain: string;
  /** The paper (or reference) the explanation follows. */
  source: { title: string; url: string };
  /** The tool's setup, a URL hash (without '#', without lesson/step) that decodes without notices. */
  setup: string;
  /** The one thing to do, e.g. "Press Merge and evaluate." */
  task: string;
  goal: Goal;
  /** What to notice, with the learner's numbers; nothing (null or undefined) until they exist. */
  notice(f: Facts): string | null | undefined;
}

export interface Lesson {
  /** Slug used in links (`lesson=<id>`). */
  id: string;
  title: string;
  steps: readonly LessonStep[];
}
