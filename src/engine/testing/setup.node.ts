// Unit tests run the engine on tfjs's CPU backend in Node (deterministic, no native code).
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
if (tf.getBackend() !== 'cpu') throw new Error(`tests need the cpu backend, got ${tf.getBackend()}`);
