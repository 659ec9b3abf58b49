// loadManifests works in slices (a reload of thousands of triggers must not hold up ingress) and
// drops each document's syntax tree once converted; neither may change what it reports.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadManifests, loadManifestTexts, ManifestErrors } from "@sluice/manifests";
import { BROKER, brief, dump, INGRESS } from "./helpers.js";

const COUNT = 40;

function triggerDoc(i: number, extra = ""): string {
  return `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: t${i}
spec:
  broker: default
  filter:
    attributes:
      type: com.example.t${i}
  subscriber:
    uri: http://127.0.0.1:9000/t${i}
${extra}`;
}

/** A broker and COUNT triggers; trigger 33 has an unknown field and a bad CESQL expression. */
function pipeline(): string {
  const docs = [BROKER.replace(/^\n/, "")];
  for (let i = 0; i < COUNT; i++) {
    docs.push(
      i === 33
        ? triggerDoc(i, "  colour: blue\n  filters:\n    - cesql: \"type = 'a' AND\"\n")
        : triggerDoc(i),
    );
  }
  return docs.join("---\n");
}

async function withFile<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-sliced-"));
  try {
    const file = join(dir, "pipeline.yaml");
    await writeFile(file, text);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("loadManifests in slices", () => {
  it("lets the event loop run between documents, and loads exactly what the synchronous loader loads", async () => {
    const text = pipeline().replace(/^ {2}colour: blue\n {2}filters:\n.*\n/m, "");
    await withFile(text, async (file) => {
      let turns = 0;
      let stop = false;
      const tick = () => {
        if (stop) return;
        turns += 1;
        setImmediate(tick);
      };
      setImmediate(tick);
      const sliced = await loadManifests([file], { ingressUrl: INGRESS, env: {}, sliceMs: 0 });
      stop = true;
      assert.ok(
        turns >= COUNT,
        `the event loop turned ${turns} times during a load of ${COUNT + 1} documents`,
      );
      const whole = loadManifestTexts([{ file, text }], { ingressUrl: INGRESS, env: {} });
      assert.ok(sliced.resources, dump(sliced));
      assert.deepEqual(sliced.resources, whole.resources);
      assert.equal(sliced.resources.triggers.length, COUNT);
      assert.ok(Object.isFrozen(sliced.resources.triggers) && Object.isFrozen(sliced.resources.triggers[7]));
      assert.ok(Object.isFrozen(sliced.resources.triggers[7]?.filterAttributes));
    });
  });

  it("places diagnostics deep in a long file exactly (each document's tree is rebuilt only for them)", async () => {
    const text = pipeline();
    const line33 = text.split("\n").indexOf("  name: t33") + 1;
    await withFile(text, async (file) => {
      for (const result of [
        await loadManifests([file], { ingressUrl: INGRESS, env: {}, sliceMs: 0 }),
        loadManifestTexts([{ file, text }], { ingressUrl: INGRESS, env: {} }),
      ]) {
        assert.equal(result.resources, undefined);
        const found = result.diagnostics.map(brief);
        assert.ok(
          found.includes(`warning ${ManifestErrors.UNKNOWN_FIELD} ${line33 + 8}:3 /spec/colour`),
          found.join("\n"),
        );
        const cesql = result.diagnostics.find((d) => d.pointer === "/spec/filters/0/cesql");
        assert.ok(cesql, dump(result));
        assert.equal(cesql.line, line33 + 10, dump(result));
        assert.equal(cesql.column, 29, `the end of the expression, where it breaks off: ${brief(cesql)}`);
        const trigger = result.diagnostics.filter((d) => d.file === file);
        assert.equal(trigger.length, found.length, "every diagnostic names the file");
      }
    });
  });
});
