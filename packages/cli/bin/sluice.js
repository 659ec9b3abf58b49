#!/usr/bin/env node
// Entry point of the `sluice` command; the code lives in ../dist (built by `npm ci` / `npm run build`).
import { main } from "../dist/main.js";

// A reader that stops early (`sluice dead-letters | head`) is not an error of ours: end quietly,
// with the exit code a command set for that case (`dead-letters --purge`: 1, nothing removed).
// Any other failure of stdout (a full disk) ends the command with 1 before it goes on.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  process.stderr.write(`sluice: could not write the output: ${error.message}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: `run` has already closed everything it started; keep-alive sockets of
    // HTTP clients must not keep a finished command alive. But first let stdout take everything
    // written to it: writes to a pipe are asynchronous, and exiting drops the ones still queued
    // (`sluice dead-letters | jq` lost its last records). A reader that stopped reading gets 5 s.
    const exit = () => process.exit(code);
    process.stdout.write("", exit);
    setTimeout(exit, 5000).unref();
  },
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
