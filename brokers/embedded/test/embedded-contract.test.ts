import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runBrokerContract } from "@sluice/testing";
import { createEmbeddedBackend } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "sluice-embedded-contract-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Each create() gets a fresh data dir; reopen() goes back to the last one. */
function factory(label: string, options: { cacheBytes?: number; segmentBytes?: number }) {
  let count = 0;
  let dataDir = "";
  return {
    create: async () => {
      count += 1;
      dataDir = join(root, `${label}-${count}`);
      return createEmbeddedBackend({ dataDir, ...options });
    },
    reopen: async () => createEmbeddedBackend({ dataDir, ...options }),
  };
}

runBrokerContract("embedded", factory("default", {}));
// Every body read back from disk, and a new segment every few records.
runBrokerContract(
  "embedded (no cache, tiny segments)",
  factory("cold", { cacheBytes: 0, segmentBytes: 4096 }),
);
