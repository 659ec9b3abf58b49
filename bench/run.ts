/**
 * The benchmark suite (docs/benchmarks.md): runs the scenarios against `sluice run` processes and
 * the baselines, writes bench/results/<time>-<profile>.json and, for a complete full run,
 * regenerates the results part of docs/benchmarks.md and docs/benchmarks-latency.svg.
 *
 *   node --conditions=development --import tsx bench/run.ts [--profile full|quick] [--only B1,B3]
 *        [--budget SECONDS] [--cpu-prof] [--doc | --no-doc] [--report results.json]
 *
 * --budget replaces the profile's time budget (full: 19 min); scenarios behind schedule shorten
 * their ramps and rounds to keep it (lib/pace.ts).
 *
 * Needs the built CLI (npm run build) and a quiet machine. Every load targets 127.0.0.1.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latencyChart } from "./lib/chart.js";
import { exportedFigure, exportOf } from "./lib/hints.js";
import { cpuShare, cpuTicks, machineInfo } from "./lib/machine.js";
import type { ResultsFile, ScenarioReport } from "./lib/model.js";
import { Pace } from "./lib/pace.js";
import { CLI, REPO_ROOT, type SinkHandle, startSink } from "./lib/processes.js";
import { PROFILES, type Profile } from "./lib/profile.js";
import { allBars, renderResults, updateDoc } from "./lib/report.js";
import type { Context, Scenario } from "./lib/session.js";
import { SCENARIOS } from "./scenarios/index.js";

const RESULTS_DIR = join(REPO_ROOT, "bench/results");
const DOC = join(REPO_ROOT, "docs/benchmarks.md");
const CHART = "benchmarks-latency.svg";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "full" },
    only: { type: "string" },
    budget: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
    doc: { type: "boolean" },
    "no-doc": { type: "boolean" },
    report: { type: "string" },
  },
});

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function latestResults(): ResultsFile | undefined {
  if (!existsSync(RESULTS_DIR)) return undefined;
  const files = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .reverse();
  for (const f of files) {
    try {
      return JSON.parse(readFileSync(join(RESULTS_DIR, f), "utf8")) as ResultsFile;
    } catch {
      // a broken file is skipped
    }
  }
  return undefined;
}

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT })
      .toString()
      .trim();
    return dirty === "" ? head : `${head}+dirty`;
  } catch {
    return "unknown";
  }
}

function writeDoc(results: ResultsFile): void {
  const series = results.scenarios.flatMap((s) => s.series);
  writeFileSync(
    join(REPO_ROOT, "docs", CHART),
    latencyChart(series, "End-to-end latency vs offered rate (B0, B1)"),
  );
  updateDoc(DOC, renderResults(results, CHART), "# Benchmarks\n");
  log(`wrote docs/benchmarks.md and docs/${CHART}`);
}

async function runScenario(scenario: Scenario, ctx: Context): Promise<ScenarioReport> {
  const started = Date.now();
  ctx.pace.start(scenario.id);
  log(`${scenario.id} ${scenario.title} (${Math.round(ctx.pace.leftMs() / 1000)} s planned)`);
  try {
    const out = await scenario.run(ctx);
    const durationS = Math.round((Date.now() - started) / 100) / 10;
    log(`${scenario.id} done in ${durationS} s`);
    const cuts = ctx.pace.takeCuts();
    const notes =
      cuts.length === 0
        ? out.notes
        : [...out.notes, `Shortened to keep the run within its time budget: ${cuts.join("; ")}.`];
    return { id: scenario.id, title: scenario.title, durationS, ...out, notes };
  } catch (error) {
    // one broken scenario must not cost the others' figures; the failure is reported
    log(`${scenario.id} FAILED: ${(error as Error).stack ?? error}`);
    return {
      id: scenario.id,
      title: scenario.title,
      durationS: (Date.now() - started) / 1000,
      figures: [],
      bars: [],
      series: [],
      notes: [`FAILED: ${String((error as Error).message).split("\n")[0]}`],
      details: { error: String((error as Error).stack ?? error) },
      exports: {},
    };
  }
}

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--budget must be a number of seconds, got ${JSON.stringify(text)}`);
  return n;
}

function selectScenarios(profile: Profile, only: string | undefined): readonly Scenario[] {
  if (only === undefined) return SCENARIOS.filter((s) => profile.scenarios.includes(s.id));
  const ids = only.split(",").map((s) => s.trim().toUpperCase());
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}`);
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

async function main(): Promise<void> {
  if (values.report !== undefined) {
    writeDoc(JSON.parse(readFileSync(values.report, "utf8")) as ResultsFile);
    return;
  }
  const profile: Profile | undefined = PROFILES[values.profile as Profile["name"]];
  if (profile === undefined) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(", ")}`);
  if (!existsSync(CLI.replace("bin/sluice.js", "dist/main.js")))
    throw new Error("build first: npm run build");
  const scenarios = selectScenarios(profile, values.only);
  const previous = latestResults();
  const startedAt = new Date();
  const ticks = cpuTicks();
  const reports: ScenarioReport[] = [];
  const workDir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const profDir = join(RESULTS_DIR, "profiles", stamp);
  if (values["cpu-prof"]) mkdirSync(profDir, { recursive: true });
  let sink: SinkHandle | undefined;
  const budget = { quietMs: profile.quietBudgetMs, reruns: profile.maxReruns, barReruns: profile.barReruns };
  const plan =
    values.budget === undefined ? profile.plan : { ...profile.plan, budgetMs: seconds(values.budget) * 1000 };
  const pace = new Pace(
    plan,
    scenarios.map((s) => s.id),
  );
  try {
    sink = await startSink();
    const ctx: Context = {
      profile,
      sink,
      workDir,
      log,
      exported: (scenario, name) => exportedFigure(reports, previous, scenario, name),
      measured: (scenario, name) => exportOf(reports, scenario, name),
      sluiceNodeArgs: values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [],
      budget,
      pace,
    };
    log(`profile ${profile.name}: ${scenarios.map((s) => s.id).join(", ")}`);
    for (const scenario of scenarios) reports.push(await runScenario(scenario, ctx));
  } finally {
    await sink?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  const share = cpuShare(ticks, cpuTicks());
  const results: ResultsFile = {
    version: 1,
    profile: profile.name,
    only: values.only === undefined ? undefined : scenarios.map((s) => s.id),
    machine: { ...machineInfo(), ...(share ?? {}) },
    commit: gitCommit(),
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    budgetS: Math.round(pace.budgetMs / 1000),
    noise: {
      quietWaitS: Math.round((profile.quietBudgetMs - budget.quietMs) / 1000),
      reruns: profile.maxReruns - budget.reruns + (profile.barReruns - budget.barReruns),
    },
    scenarios: reports,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${stamp}-${profile.name}.json`);
  writeFileSync(file, `${JSON.stringify(results)}\n`);
  log(`results: ${file} (${results.durationS} s)`);
  const wantDoc = values.doc ?? (!values["no-doc"] && profile.name === "full" && values.only === undefined);
  if (wantDoc) writeDoc(results);
  for (const bar of allBars(results)) {
    log(`${bar.pass === undefined ? "  ?  " : bar.pass ? " met " : "MISSED"} ${bar.bar}: ${bar.measured}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
