/**
 * The store's connection to the engine: starts it (a worker in the page, in-process in tests),
 * initialises the backend, and restarts it when the backend setting changes. `generation` lets
 * the store drop answers that arrive from an engine that has since been replaced.
 */
import type { BackendChoice, BackendName, EngineApi, ErrorInfo } from '../worker/api';
import type { EngineHandle } from '../browser/client';

export type StartEngine = (onCrash: (info: ErrorInfo) => void) => EngineHandle;

export class EngineLink {
  private handle: EngineHandle | null = null;
  private ready: Promise<EngineApi> | null = null;
  /** Bumped on every (re)start. */
  generation = 0;

  constructor(private readonly start: StartEngine) {}

  /** (Re)starts the engine and chooses its backend. */
  restart(force: BackendName | null, onCrash: (info: ErrorInfo) => void): Promise<BackendChoice> {
    this.handle?.terminate();
    this.generation++;
    const handle = this.start(onCrash);
    this.handle = handle;
    const choice = handle.api.init(force ? { force } : {});
    this.ready = choice.then(() => handle.api);
    this.ready.catch(() => undefined); // the failure is reported through `choice`
    return choice;
  }

  /** The engine once its backend is ready (rejects when it failed to start). */
  api(): Promise<EngineApi> {
    if (!this.ready) return Promise.reject(new Error('The engine has not been started.'));
    return this.ready;
  }
}
