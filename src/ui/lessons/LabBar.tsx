/**
 * The bar above the lab: open or close the lessons, copy a link to the experiment as it is set
 * up now (the URL hash, never weights or data), and what the page's link could not apply.
 */
import { useState } from 'react';
import { useLab } from '../store-context';

export function LabBar() {
  const open = useLab((s) => s.lesson.open);
  const setOpen = useLab((s) => s.setLessonsOpen);
  const notices = useLab((s) => s.lesson.notices);
  const dismiss = useLab((s) => s.dismissUrlNotices);
  const [copied, setCopied] = useState<{ url: string; ok: boolean } | null>(null);
  const copy = async () => {
    const url = window.location.href;
    try {
      await navigator.clipboard.writeText(url);
      setCopied({ url, ok: true });
    } catch {
      setCopied({ url, ok: false }); // no clipboard permission: the link is shown to copy by hand
    }
  };
  return (
    <div className="lab-bar" data-testid="lab-bar">
      <div className="actions">
        <button className="secondary-button" aria-expanded={open} aria-controls="lessons" data-testid="lessons-toggle" onClick={() => setOpen(!open)}>
          {open ? 'Hide lessons' : 'Lessons'}
        </button>
        <button className="secondary-button" data-testid="copy-link" onClick={() => void copy()}>Copy link</button>
        <span role="status" className="muted">
          {copied && (copied.ok ? 'Link copied: it opens this experiment (method, parameters, tasks, views), not the models or data.' : 'Copy the link below:')}
        </span>
      </div>
      {copied && (
        <label className="share-url">
          Link to this experiment{' '}
          <input data-testid="share-url" readOnly value={copied.url} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      {notices.length > 0 && (
        <div className="notices" role="status" data-testid="url-notices">
          {notices.map((n, i) => <p key={i}>{n}</p>)}
          <button className="link" onClick={dismiss}>dismiss</button>
        </div>
      )}
    </div>
  );
}
