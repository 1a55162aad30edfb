/**
 * The zoo's eight tasks, in the order of the standard 8-task benchmark they mimic:
 * SUN397, Cars, RESISC45, EuroSAT, SVHN, GTSRB, MNIST, DTD.
 */
import { aerialTask } from './aerial';
import { digitsTask } from './digits';
import { fashionTask } from './fashion';
import { housenumsTask } from './housenums';
import { landcoverTask } from './landcover';
import { scenesTask } from './scenes';
import { signsTask } from './signs';
import type { ZooTask } from './task';
import { texturesTask } from './textures';

export function zooTasks(fashionDir?: string): ZooTask[] {
  return [scenesTask, fashionTask(fashionDir), aerialTask, landcoverTask, housenumsTask, signsTask, digitsTask, texturesTask];
}
