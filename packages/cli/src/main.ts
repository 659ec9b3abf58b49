/** Runs the sluice command with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stderr.write(`sluice: not implemented yet (${argv.join(" ")})\n`);
  return 1;
}
