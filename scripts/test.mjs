#!/usr/bin/env node
// Runs every test file with Node's test runner, TypeScript loaded through tsx and workspace
// packages resolved to their sources (the "development" export condition), so tests never run
// against stale builds. End-to-end tests that spawn the CLI use the built dist (npm test builds
// first). Usage: node scripts/test.mjs [path-prefix ...]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const prefixes = process.argv.slice(2).map((p) => relative(root, join(process.cwd(), p)));

function walk(dir, out) {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (entry.endsWith(".test.ts") || entry.endsWith(".test.mjs")) out.push(path);
  }
  return out;
}

const files = [];
for (const top of ["packages", "brokers", "sources", "test", "examples", "bench"]) {
  try {
    walk(join(root, top), files);
  } catch {
    // a missing top-level folder has no tests
  }
}
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => prefixes.length === 0 || prefixes.some((p) => f.startsWith(p)))
  .sort();
if (selected.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const concurrency = process.env.SLUICE_TEST_CONCURRENCY ?? "3";
// A test file still running after this long fails (Node 20 applies --test-timeout to each file
// as a whole), so a test waiting on something that never comes is a named failure instead of a
// run held until CI's limit. The whole suite takes 2-3 minutes.
const timeout = process.env.SLUICE_TEST_TIMEOUT_MS ?? "600000";
const result = spawnSync(
  process.execPath,
  [
    "--conditions=development",
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeout}`,
    "--test-reporter=spec",
    ...selected,
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, SLUICE_REPO_ROOT: root } },
);
process.exit(result.status ?? 1);
