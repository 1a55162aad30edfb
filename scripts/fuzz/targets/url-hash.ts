/** Fuzz target: the experiment URL hash. decodeUrlState never throws: any exception is a raw one. */
import { decodeUrlState } from '../../../src/state/url/codec';
import type { FuzzTarget } from '../types';
import { text } from './seeds';

const enc = (s: string) => new TextEncoder().encode(s);

export const urlHashTarget: FuzzTarget = {
  name: 'url-hash',
  seeds: async () => [
    enc('#v=1&suite=demo&m=ties&p.k=20&p.lambda=1&eval=300&t=waves&t=scans&lam=0.4'),
    enc('#v=1&tb=adamerging&bp.granularity=layer&tc=surgery&cp.rank=16&preset=paper&tlimit=all&tevery=50'),
    enc('#v=1&xl=200&xb=all&xm=cosine&xt=waves&xc=class&xp=1&open=lessons&lesson=tv-lambda&step=2&hide=models,runs'),
    enc('#v=1&suite=files:my%20suite&m=dare&p.p=0.9'),
  ],
  async run(bytes) {
    decodeUrlState(text(bytes), { lessonIds: ['why-merge', 'tv-lambda'] });
  },
};
