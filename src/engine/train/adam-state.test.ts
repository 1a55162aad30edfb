// Adam's own state stays out of training: its moment estimates m and v are non-trainable
// variables, so a caller that differentiates "every trainable variable" (tf.variableGrads(f)
// without a list) never trains them, and dispose() frees them.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam';

describe('Adam state', () => {
  it('keeps m and v as non-trainable variables and frees them on dispose', () => {
    const trainable = () => Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1, -2])));
    const y = tf.tidy(() => tf.variable(tf.scalar(3)));
    const count = trainable();
    const before = tf.memory().numTensors;
    const opt = new Adam(0.1);
    tf.dispose(opt.minimize(() => tf.add(tf.sum(tf.square(x)), tf.square(y)) as tf.Scalar, [x, y]));
    expect(trainable()).toBe(count); // 4 moment variables more, none of them trainable
    expect(tf.memory().numTensors).toBe(before + 4);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});
