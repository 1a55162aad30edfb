/** FER2013: classes and templates from fusion_bench/tasks/clip_classification/fer2013.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const fer2013: TaskSpec = {
  name: 'fer2013',
  title: 'FER2013',
  classes: ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'],
  templates: ['a photo of a {} looking face.', 'a photo of a face showing the emotion: {}.', 'a photo of a face looking {}.', 'a face that looks {}.', 'they look {}.', 'look at how {} they are.'],
  aliases: ['fer2013', 'tanganke/fer2013', 'clip-benchmark/wds_fer2013', 'clip-vit-base-patch32_fer2013'],
  // FER2013's test set is its PublicTest + PrivateTest images (3,589 each), as in clip-benchmark/wds_fer2013.
  hub: { dataset: 'tanganke/fer2013', testSize: 7178 },
  source: 'fusion_bench/tasks/clip_classification/fer2013.py',
};
