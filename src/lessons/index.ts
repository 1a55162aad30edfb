/** The lessons, in teaching order (an explicit list: a new lesson is one file and one line here). */
import { bias } from './bias';
import { interventions } from './interventions';
import { surgery } from './surgery';
import { ties } from './ties';
import { tinting } from './tinting';
import { tvLambda } from './tv-lambda';
import type { Lesson } from './types';
import { whyMerge } from './why-merge';

export const LESSONS: readonly Lesson[] = [whyMerge, tvLambda, ties, bias, surgery, interventions, tinting];

export const LESSON_IDS: readonly string[] = LESSONS.map((l) => l.id);

export const getLesson = (id: string): Lesson | undefined => LESSONS.find((l) => l.id === id);
