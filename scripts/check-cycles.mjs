#!/usr/bin/env node
// Keeps the architecture honest (STYLE.md): no import cycles between a package's modules, no
// cycles between packages, tsconfig references equal to the @sluice dependencies, sources/ and
// brokers/ depending only on core and codec, and only the CLI wiring concrete plugins.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const problems = [];
const packages = new Map(); // name -> { dir, deps }

for (const top of ["packages", "sources", "brokers"]) {
  if (!existsSync(join(root, top))) continue;
  for (const entry of readdirSync(join(root, top))) {
    const dir = join(root, top, entry);
    const pkgFile = join(dir, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) =>
      d.startsWith("@sluice/"),
    );
    packages.set(pkg.name, { dir, top, deps });
  }
}

const dirOf = (name) => packages.get(name)?.dir;
for (const [name, { dir, top, deps }] of packages) {
  const tsconfig = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8"));
  const refs = new Set((tsconfig.references ?? []).map((r) => resolve(dir, r.path)));
  const want = new Set(deps.map(dirOf).filter(Boolean));
  for (const d of want)
    if (!refs.has(d)) problems.push(`${name}: tsconfig.json lacks a reference to ${relative(root, d)}`);
  for (const r of refs)
    if (!want.has(r))
      problems.push(
        `${name}: tsconfig.json references ${relative(root, r)} but package.json does not depend on it`,
      );
  if (top === "sources" || top === "brokers") {
    for (const d of deps) {
      if (d !== "@sluice/core" && d !== "@sluice/codec")
        problems.push(`${name}: ${top}/ may depend only on @sluice/core and @sluice/codec, not ${d}`);
    }
  }
  if (name !== "@sluice/cli") {
    for (const d of deps) {
      const dep = packages.get(d);
      if (dep && (dep.top === "sources" || dep.top === "brokers"))
        problems.push(`${name}: only @sluice/cli may depend on plugin ${d}`);
    }
  }
  checkModuleCycles(name, join(dir, "src"));
}

// package-level cycles
const state = new Map();
function visit(name, path) {
  if (state.get(name) === "done") return;
  if (state.get(name) === "active") {
    problems.push(`package cycle: ${[...path.slice(path.indexOf(name)), name].join(" -> ")}`);
    return;
  }
  state.set(name, "active");
  for (const d of packages.get(name)?.deps ?? []) if (packages.has(d)) visit(d, [...path, name]);
  state.set(name, "done");
}
for (const name of packages.keys()) visit(name, []);

function checkModuleCycles(pkgName, srcDir) {
  if (!existsSync(srcDir)) return;
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".ts")) files.push(p);
    }
  };
  walk(srcDir);
  const graph = new Map();
  const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/g;
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const edges = [];
    for (const m of text.matchAll(importRe)) {
      if (/^\s*(?:import|export)\s+type\s/.test(m[0].trim())) continue; // type-only imports vanish at runtime
      edges.push(resolve(dirname(f), m[1].replace(/\.js$/, ".ts")));
    }
    graph.set(f, edges);
  }
  const st = new Map();
  const dfs = (f, path) => {
    if (st.get(f) === "done") return;
    if (st.get(f) === "active") {
      const cyc = [...path.slice(path.indexOf(f)), f].map((p) => relative(srcDir, p));
      problems.push(`${pkgName}: import cycle ${cyc.join(" -> ")}`);
      return;
    }
    st.set(f, "active");
    for (const g of graph.get(f) ?? []) if (graph.has(g)) dfs(g, [...path, f]);
    st.set(f, "done");
  };
  for (const f of graph.keys()) dfs(f, []);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-cycles: ${p}`);
  process.exit(1);
}
console.log(`check-cycles: ${packages.size} packages, no cycles, references match dependencies`);
