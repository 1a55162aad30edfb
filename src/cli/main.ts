/**
 * The `mergelab` command line: `npm run --silent mergelab -- <command> [args]`.
 * A small command table; each command lives in src/cli/<command>.ts and exports
 * `run(args): Promise<number>` (the exit code). Errors print message + hint to stderr and exit 1;
 * usage errors (MergelabError with code "usage") exit 2.
 */
import { pathToFileURL } from 'node:url';
import { MergelabError } from '../engine/errors';
import { quote } from '../engine/io/bounded';
import { describeFsError } from '../engine/io/fs-guard.node.js';

export interface Command {
  usage: string;
  load(): Promise<{ run(args: string[]): Promise<number> }>;
}

/** Commands, loaded on demand so one command's dependencies never slow another. */
export const COMMANDS: Record<string, Command> = {
  inspect: { usage: 'inspect <path>                      JSON summary of a checkpoint folder, .safetensors or .bin/.pt/.pth file', load: () => import('./inspect') },
  forward: { usage: 'forward <modelDir> <inputs.safetensors> <out.safetensors>  CLIP vision outputs of pixel_values (F32)', load: () => import('./forward') },
  merge: { usage: 'merge --method <id> --pretrained <dir> --experts <dir>... [--param name=value]... --out <dir>  merged HF folder', load: () => import('./merge') },
  eval: { usage: 'eval <suiteDir> [--method <id>] ...  accuracy of pretrained, experts and a merge on a suite', load: () => import('./eval') },
  text: { usage: 'text MODEL_DIR PROMPTS.json OUT.safetensors [--ids IDS.json]  CLIP text embeddings (text_embeds, pooler_output) of {"prompts": […]}', load: () => import('./text') },
  heads: { usage: 'heads MODEL_DIR TASKS.json OUT.safetensors  zero-shot heads [C, P] per task of {"tasks": [{"name", "classes", "templates"}]}', load: () => import('./heads') },
  run: { usage: 'run <experiment.json> [--json <results.json>] [--quick]  a merge + trained correction (AdaMerging, Surgery, IntervMerge, Tinting) on a suite', load: () => import('./run') },
};

function help(): string {
  return ['usage: mergelab <command> [args]   (npm run --silent mergelab -- <command> [args])', '', 'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), '', 'Run `mergelab <command> --help` for a command\'s options.'].join('\n');
}

export interface Output {
  write(s: string): unknown;
}

/** Runs one command line; returns the process exit code. Commands print to the process's own streams. */
export async function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    out.write(`${help()}\n`);
    return 0;
  }
  // Own entries only: "constructor", "__proto__" or "toString" are not commands.
  const command = name === undefined || !Object.hasOwn(COMMANDS, name) ? undefined : COMMANDS[name];
  if (!command) {
    err.write(`${name === undefined ? 'mergelab: no command given.' : `mergelab: unknown command ${quote(name)}.`}\n${help()}\n`);
    return 2;
  }
  try {
    return await (await command.load()).run(args);
  } catch (thrown) {
    const e = describeFsError(thrown); // a file-system error the command did not foresee: message + hint, no stack
    if (e instanceof MergelabError) {
      err.write(`mergelab ${name}: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      if (e.code !== 'usage') return 1;
      if (!e.hint) err.write(`usage: mergelab ${command.usage}\n`);
      return 2;
    }
    err.write(`mergelab ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
