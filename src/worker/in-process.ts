/**
 * The engine API in the caller's own realm (Node, tests, or a page without workers): the same
 * implementation the worker exposes, without postMessage.
 */
import type { EngineApi } from './api';
import { createEngineApi, type EngineApiOptions } from './engine-api';

export function createInProcessEngine(opts: EngineApiOptions = {}): EngineApi {
  return createEngineApi(opts);
}
