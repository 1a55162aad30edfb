/** Fuzz target: PNG and JPEG files of an ImageFolder task, decoded by the Node decoder and preprocessed. */
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { imageFolderImages } from '../../../src/engine/data/imagefolder';
import { nodeImageDecoder } from '../../../src/engine/data/png-decoder.node.js';
import { memorySource } from '../../../src/engine/io/byte-source';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

const pixels = (w: number, h: number, c: number) => Uint8Array.from({ length: w * h * c }, (_, i) => (i * 29) & 255);

export const imagesTarget: FuzzTarget = {
  name: 'png-jpeg',
  seeds: async () => [
    await fixtureBytes('suite-tiny', 'data', 'folders', 'test', 'blue', 'img002.png'),
    encodePng({ width: 6, height: 5, data: pixels(6, 5, 4), channels: 4, depth: 8 }),
    encodePng({ width: 5, height: 4, data: new Uint16Array(pixels(5, 4, 1)), channels: 1, depth: 16 }),
    new Uint8Array(jpeg.encode({ width: 8, height: 8, data: pixels(8, 8, 4) }, 80).data),
  ],
  async run(bytes) {
    const name = bytes[0] === 0xff ? 'img.jpg' : 'img.png';
    const task = imageFolderImages('folders', 'data/folders/test', [{ path: `red/${name}`, source: memorySource(bytes, name) }], ['red', 'green'], nodeImageDecoder);
    await task.pixels(0, 1, 16);
  },
};
