/** Renders its children unless the lesson link hides this control (`hide=` in the URL state). */
import type { ReactNode } from 'react';
import type { HideableId } from '../../state/url/codec';
import { useLab } from '../store-context';

export function Hideable({ id, children }: { id: HideableId; children: ReactNode }) {
  const hidden = useLab((s) => s.lesson.hidden.includes(id));
  return hidden ? null : <>{children}</>;
}
