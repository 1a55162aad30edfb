/**
 * Runs `fn` every `ms` while the page is visible (and once when it becomes visible again); hidden
 * tabs poll nothing. For the header's memory indicator and the Cache panel's feature counters.
 */
import { useEffect, useRef } from 'react';

export function useVisibleInterval(fn: () => void, ms: number, enabled = true): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (!enabled) return undefined;
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => {
      if (timer !== null || document.visibilityState !== 'visible') return;
      latest.current();
      timer = setInterval(() => latest.current(), ms);
    };
    const stop = () => { if (timer !== null) clearInterval(timer); timer = null; };
    const onVisibility = () => (document.visibilityState === 'visible' ? start() : stop());
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => { stop(); document.removeEventListener('visibilitychange', onVisibility); };
  }, [ms, enabled]);
}
