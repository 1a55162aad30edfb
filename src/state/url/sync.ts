/**
 * Keeps the address bar's hash and the lab in step: on start the page's link is decoded and
 * applied (a lesson link first sets up its step, then the link's own fields go on top), its
 * notices shown; afterwards every change of a control rewrites the hash with
 * history.replaceState (never a new history entry), at most once per `debounceMs`.
 */
import { LESSON_IDS } from '../../lessons';
import type { LabStore } from '../store';
import { applyUrlState, urlStateOf } from './apply';
import { decodeUrlState, encodeUrlState } from './codec';

export interface UrlHost {
  /** The current hash, '#…' or ''. */
  hash(): string;
  /** Replaces the hash without a history entry. */
  replaceHash(hash: string): void;
}

export interface UrlSyncOptions {
  demoUrl: string;
  /** Least time between two writes of the hash (default 300 ms). */
  debounceMs?: number;
}

/** Restores the link, then follows the lab. Resolves once restored; call the returned stop() to end. */
export async function syncUrl(store: LabStore, host: UrlHost, opts: UrlSyncOptions): Promise<() => void> {
  const { state, notices, present } = decodeUrlState(host.hash(), { lessonIds: LESSON_IDS });
  const s = store.getState();
  if (notices.length) s.addUrlNotices(notices);
  if (state.lesson) await s.startLesson(state.lesson.id, state.lesson.step);
  if (state.open.includes('lessons')) s.setLessonsOpen(true);
  const more = await applyUrlState(store.getState, store.setState, state, present, opts.demoUrl);
  if (more.length) store.getState().addUrlNotices(more);

  const every = opts.debounceMs ?? 300;
  let written = encodeUrlState(urlStateOf(store.getState(), opts.demoUrl));
  if (host.hash() !== '' || written !== 'v=1') host.replaceHash(written);
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    last = Date.now();
    written = encodeUrlState(urlStateOf(store.getState(), opts.demoUrl));
    host.replaceHash(written);
  };
  // A change is written at once (a reload right after a click keeps it); changes that follow
  // within `every` ms (a dragged slider) are written together when it has passed.
  const unsubscribe = store.subscribe((st) => {
    if (timer || encodeUrlState(urlStateOf(st, opts.demoUrl)) === written) return;
    const wait = last + every - Date.now();
    if (wait <= 0) write();
    else timer = setTimeout(write, wait);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
