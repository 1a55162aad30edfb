/**
 * Progress of opening a suite in the CLI: building zero-shot heads from the pretrained model's
 * text tower (a manifest without "heads") takes minutes at ViT-B/32 scale, so it is reported on
 * stderr — the first batch, every further tenth of the prompts, and the last.
 */
import type { OpenSuiteOptions } from '../engine/data/suite';
import type { Output } from './main';

export function headsProgress(err: Output): Pick<OpenSuiteOptions, 'onProgress'> {
  let shown = -1;
  return {
    onProgress: ({ done, total }) => {
      const tenth = Math.floor((10 * done) / total);
      if (tenth === shown && done < total) return;
      shown = tenth;
      err.write(`building heads from the text tower: ${done}/${total} prompts\n`);
    },
  };
}
