/**
 * Lesson slice: the lesson sidebar (open or not), the lesson and step being
 * taught, the controls its link hides, the steps done per lesson (kept in localStorage under
 * "mergelab.lessons") and the notices of the link that opened the page. Going to a step applies
 * its setup (src/lessons/*.ts) through the URL state: method, parameters, hidden controls, and
 * the demo when it is not loaded yet. Whether a step's goal is met is derived (lessons/facts.ts).
 */
import { LESSONS, getLesson } from '../../lessons';
import type { HideableId } from '../url/codec';
import { decodeUrlState } from '../url/codec';
import { applyUrlState } from '../url/apply';
import type { SliceCreator } from './lab-state';

const STORAGE_KEY = 'mergelab.lessons';

export interface LessonSlice {
  lesson: {
    open: boolean;
    /** The lesson being taught (null: the list of lessons). */
    id: string | null;
    /** 0-based. */
    step: number;
    hidden: HideableId[];
    /** Lesson id → indices of its steps done. */
    progress: Record<string, number[]>;
    /** What the page's link could not apply, one line per field. */
    notices: string[];
  };
  setLessonsOpen(open: boolean): void;
  /** Opens a lesson at a step and sets the tool up for it; resolves once its setup is applied. */
  startLesson(id: string, step?: number): Promise<void>;
  goToStep(step: number): Promise<void>;
  /** Marks the current step done (its goal was met, or the learner pressed Done). */
  completeStep(): void;
  /** Forgets the lesson's progress and goes back to its first step. */
  restartLesson(): Promise<void>;
  /** Back to the list of lessons; the hidden controls show again. */
  leaveLesson(): void;
  setHidden(ids: HideableId[]): void;
  addUrlNotices(notices: string[]): void;
  dismissUrlNotices(): void;
}

function loadProgress(storage: { getItem(k: string): string | null } | null): Record<string, number[]> {
  try {
    const v: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}');
    if (typeof v !== 'object' || v === null) return {};
    return Object.fromEntries(Object.entries(v).filter(([id, steps]) => getLesson(id) && Array.isArray(steps) && steps.every(Number.isInteger)));
  } catch {
    return {}; // unreadable progress starts afresh
  }
}

export const createLessonSlice: SliceCreator<LessonSlice> = (set, get, ctx) => {
  const patch = (p: Partial<LessonSlice['lesson']>) => set((s) => ({ lesson: { ...s.lesson, ...p } }));
  const save = (progress: Record<string, number[]>) => {
    try { ctx.storage?.setItem(STORAGE_KEY, JSON.stringify(progress)); } catch { /* storage full or disabled: progress lasts this visit */ }
  };
  const go = async (id: string, step: number) => {
    const lesson = getLesson(id);
    if (!lesson) return;
    const k = Math.max(0, Math.min(step, lesson.steps.length - 1));
    patch({ open: true, id, step: k });
    const { state, present } = decodeUrlState(lesson.steps[k].setup);
    // A step also replaces the hidden controls and the task subset (all tasks unless it names some).
    const notices = await applyUrlState(get, set, state, [...present, 'hidden', 'tasks'], ctx.demoUrl);
    if (notices.length) get().addUrlNotices(notices);
  };

  return {
    lesson: { open: false, id: null, step: 0, hidden: [], progress: loadProgress(ctx.storage), notices: [] },

    setLessonsOpen: (open) => patch({ open }),
    startLesson: (id, step = 0) => go(id, step),
    goToStep: (step) => (get().lesson.id ? go(get().lesson.id!, step) : Promise.resolve()),

    completeStep() {
      const { id, step, progress } = get().lesson;
      if (!id || progress[id]?.includes(step)) return;
      const next = { ...progress, [id]: [...(progress[id] ?? []), step].sort((a, b) => a - b) };
      patch({ progress: next });
      save(next);
    },

    async restartLesson() {
      const { id, progress } = get().lesson;
      if (!id) return;
      const next = { ...progress };
      delete next[id];
      patch({ progress: next });
      save(next);
      await go(id, 0);
    },

    leaveLesson: () => patch({ id: null, step: 0, hidden: [] }),
    setHidden: (hidden) => patch({ hidden }),
    addUrlNotices: (notices) => patch({ notices: [...get().lesson.notices, ...notices] }),
    dismissUrlNotices: () => patch({ notices: [] }),
  };
};

/** Lessons whose every step is done. */
export const lessonsDone = (progress: Record<string, number[]>): number =>
  LESSONS.filter((l) => (progress[l.id]?.length ?? 0) >= l.steps.length).length;
