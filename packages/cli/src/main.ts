import { isSluiceError } from "@sluice/core";
import { UsageError } from "./args.js";
import { DEAD_LETTERS_HELP, deadLettersCommand } from "./dead-letters-command.js";
import { EXPLAIN_HELP, explainCommand } from "./explain-command.js";
import { type Output, stdio } from "./output.js";
import { RUN_HELP, runCommand } from "./run-command.js";
import { SEND_HELP, sendCommand } from "./send-command.js";
import { VALIDATE_HELP, validateCommand } from "./validate-command.js";

const HELP = `Usage: sluice <command> [options]

Sluice: an event broker and trigger mesh for CloudEvents, with Knative Eventing's manifests.

Commands:
  run           run brokers, triggers and sources from manifests
  validate      check manifests and print every problem with file:line
  send          send one CloudEvent to a broker or any URL
  explain       show which triggers match an event, and why
  dead-letters  list the events kept in the embedded brokers' dead-letter stores

Run "sluice <command> --help" for a command's options.`;

type Command = (argv: readonly string[], output: Output) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: runCommand, help: RUN_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  send: { run: sendCommand, help: SEND_HELP },
  explain: { run: explainCommand, help: EXPLAIN_HELP },
  "dead-letters": { run: deadLettersCommand, help: DEAD_LETTERS_HELP },
};

/** Runs the sluice command with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], output: Output = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    output.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    output.err(`sluice: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`sluice ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    if (isSluiceError(error)) {
      output.err(`sluice ${name}: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
