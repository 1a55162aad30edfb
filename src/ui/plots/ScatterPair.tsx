/**
 * Side-by-side mode: two scatters of the same points (e.g. Task Arithmetic vs
 * TA + Surgery, each in its own shared layout or both in one) with linked hover — pointing at an
 * image in one panel rings it in the other.
 */
import { useState } from 'react';
import { Scatter, type ScatterProps } from './Scatter';

export interface ScatterPairProps {
  left: Omit<ScatterProps, 'hovered' | 'onHover'>;
  right: Omit<ScatterProps, 'hovered' | 'onHover'>;
}

export function ScatterPair({ left, right }: ScatterPairProps) {
  const [hovered, setHovered] = useState<number | null>(null);
  return (
    <div className="scatter-pair" data-testid="scatter-pair">
      <Scatter {...left} hovered={hovered} onHover={setHovered} />
      <Scatter {...right} hovered={hovered} onHover={setHovered} />
    </div>
  );
}
