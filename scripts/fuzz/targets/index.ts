/**
 * Every fuzz target, one file per reader. A new reader adds its file here.
 */
import type { FuzzTarget } from '../types';
import { coefficientsTarget } from './coefficients';
import { configTarget } from './config';
import { experimentTarget } from './experiment';
import { headsTarget } from './heads';
import { idxTarget } from './idx';
import { imagesTarget } from './images';
import { manifestTarget } from './manifest';
import { opfsIndexTarget } from './opfs-index';
import { pickleTarget } from './pickle';
import { runsRecordTarget } from './runs-record';
import { safetensorsTarget } from './safetensors';
import { shardedTarget } from './sharded';
import { taskDataTarget } from './task-data';
import { urlHashTarget } from './url-hash';

export const TARGETS: readonly FuzzTarget[] = [
  safetensorsTarget, shardedTarget, configTarget, manifestTarget, headsTarget, taskDataTarget, idxTarget, imagesTarget,
  coefficientsTarget, urlHashTarget, runsRecordTarget, experimentTarget, opfsIndexTarget, pickleTarget,
];
