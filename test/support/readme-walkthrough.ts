/**
 * Reads the README's walk-through: every ```console block, in order.
 *
 * In a block, a line starting with `$ ` starts a command. The command goes on
 * over the next lines while its last line ends with `\` or while it has opened
 * more `do` than `done` (a `for …; do` loop written over several lines).
 * Every other line, up to the next command or the end of the block, is the
 * output the README shows for it.
 *
 * A block right after `<!-- walkthrough: skip -->` (blank lines between are
 * allowed) is read but marked `skip`: it cannot run in CI (it restarts the
 * service, needs Redis, Jaeger or a second terminal).
 */

export const SKIP_MARKER = '<!-- walkthrough: skip -->';

export interface WalkthroughCommand {
  /** 1-based line of the README where the command starts. */
  readonly line: number;
  /** The command as shown, without the `$ ` prompt, continuations kept. */
  readonly command: string;
  /** The output shown for it ('' when none is shown). */
  readonly expected: string;
}

export interface WalkthroughBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly skip: boolean;
  readonly commands: readonly WalkthroughCommand[];
}

export function parseWalkthrough(markdown: string): WalkthroughBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: WalkthroughBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*console\s*$/.exec(lines[index]!);
    if (!fence) {
      index += 1;
      continue;
    }
    const start = index;
    const close = fence[2]!;
    const body: string[] = [];
    index += 1;
    while (index < lines.length && lines[index]!.trim() !== close) body.push(lines[index++]!);
    index += 1;
    blocks.push({ line: start + 1, skip: markedSkip(lines, start), commands: parseCommands(body, start + 2) });
  }
  return blocks;
}

function markedSkip(lines: readonly string[], fenceIndex: number): boolean {
  let index = fenceIndex - 1;
  while (index >= 0 && lines[index]!.trim() === '') index -= 1;
  return index >= 0 && lines[index]!.trim() === SKIP_MARKER;
}

function parseCommands(body: readonly string[], firstLine: number): WalkthroughCommand[] {
  const commands: WalkthroughCommand[] = [];
  let index = 0;
  // Lines before the first `$ ` belong to no command.
  while (index < body.length && !body[index]!.startsWith('$ ')) index += 1;
  while (index < body.length) {
    const line = firstLine + index;
    const command = [body[index]!.slice(2)];
    index += 1;
    while (index < body.length && continues(command)) command.push(body[index++]!);
    const output: string[] = [];
    while (index < body.length && !body[index]!.startsWith('$ ')) output.push(body[index++]!);
    commands.push({ line, command: command.join('\n'), expected: output.join('\n').trimEnd() });
  }
  return commands;
}

function continues(command: readonly string[]): boolean {
  if (command.at(-1)!.endsWith('\\')) return true;
  const text = command.join('\n');
  const opened = text.match(/\bdo\b/g)?.length ?? 0;
  const closed = text.match(/\bdone\b/g)?.length ?? 0;
  return opened > closed;
}
