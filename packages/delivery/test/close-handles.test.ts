import assert from "node:assert/strict";
import { it } from "node:test";
import { always, hang, makeEnvelope, startRecordingSink } from "@sluice/testing";
import { createDispatcher } from "../src/index.js";
import { policy } from "./helpers.js";

// Alone in its file (its own process), so no other test's sockets blur the count.
function sockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap")
    .length;
}

/** Closed handles leave the list once libuv ran their close callbacks; poll, with a hang guard. */
async function settlesTo(count: number, guardMs: number): Promise<number> {
  const deadline = Date.now() + guardMs;
  while (sockets() !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return sockets();
}

it("close() leaves no sockets behind, with keep-alive connections and a hanging delivery", async (t) => {
  const baseline = sockets();
  const sink = await startRecordingSink({ respond: always(202) });
  const slow = await startRecordingSink({ respond: hang });
  const dispatcher = createDispatcher({ keepAliveTimeoutMs: 60_000 });
  t.after(async () => {
    await dispatcher.close();
    await sink.close();
    await slow.close();
  });
  for (let i = 0; i < 5; i++) {
    await dispatcher.deliver({ envelope: makeEnvelope(), url: sink.url, policy: policy(), namespace: "ns" });
  }
  const pending = dispatcher.deliver({
    envelope: makeEnvelope(),
    url: slow.url,
    policy: policy({ retry: 2 }),
    namespace: "ns",
  });
  await slow.waitFor(1);
  await dispatcher.close();
  assert.deepEqual(await pending, { outcome: "aborted", attempts: 1 });
  // Only the two servers are left: the dispatcher closed its client sockets and their server ends closed too.
  assert.equal(await settlesTo(baseline + 2, 2_000), baseline + 2);
  await sink.close();
  await slow.close();
  assert.equal(await settlesTo(baseline, 2_000), baseline);
});
