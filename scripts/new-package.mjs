#!/usr/bin/env node
// Creates a workspace package skeleton: package.json, tsconfig.json, src/index.ts, README.md.
// Usage: node scripts/new-package.mjs <dir> <@sluice/name> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const [dir, name, description, ...deps] = process.argv.slice(2);
if (!dir || !name || !description) {
  console.error('usage: node scripts/new-package.mjs <dir> <@sluice/name> "<description>" [@sluice/dep ...]');
  process.exit(2);
}
if (existsSync(join(dir, "package.json"))) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
mkdirSync(join(dir, "src"), { recursive: true });
mkdirSync(join(dir, "test"), { recursive: true });
const depDirs = {
  "@sluice/core": "packages/core",
  "@sluice/codec": "packages/codec",
  "@sluice/cesql": "packages/cesql",
  "@sluice/filters": "packages/filters",
  "@sluice/delivery": "packages/delivery",
  "@sluice/manifests": "packages/manifests",
  "@sluice/runtime": "packages/runtime",
  "@sluice/testing": "packages/testing",
};
const pkg = {
  name,
  version: "0.1.0",
  description,
  license: "Apache-2.0",
  type: "module",
  engines: { node: ">=20.18" },
  exports: {
    ".": { development: "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" },
  },
  files: ["dist", "src", "README.md"],
  dependencies: Object.fromEntries(deps.map((d) => [d, "0.1.0"])),
};
writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
const tsconfig = {
  extends: `${relative(dir, ".") || "."}/tsconfig.base.json`,
  compilerOptions: { rootDir: "src", outDir: "dist", tsBuildInfoFile: "dist/.tsbuildinfo" },
  include: ["src"],
  references: deps.filter((d) => depDirs[d]).map((d) => ({ path: relative(dir, depDirs[d]) })),
};
writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
writeFileSync(join(dir, "src", "index.ts"), "export {};\n");
writeFileSync(join(dir, "README.md"), `# ${name}\n\n${description}\n`);
console.log(`created ${dir}`);
