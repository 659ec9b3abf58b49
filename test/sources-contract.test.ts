// The source contract suite, run for every source against the runtime's real SourceContext
// (emit with ceOverrides and bounded retries over HTTP), not the test stand-in.
import { join } from "node:path";
import { createSourceContext } from "@sluice/runtime";
import { createHttpSource } from "@sluice/source-http";
import { createPingSource } from "@sluice/source-ping";
import { createProcessSource } from "@sluice/source-process";
import { runSourceContract } from "@sluice/testing";
import { httpResource, send } from "../sources/http/test/helpers.js";
import { pingResource } from "../sources/ping/test/helpers.js";
import { FIXTURES, NODE, processResource } from "../sources/process/test/helpers.js";

const createContext = createSourceContext;

runSourceContract("PingSource on the runtime's context", {
  createContext,
  create: ({ sink, ceOverrides }) =>
    createPingSource(pingResource({ schedule: "* * * * * *" }, { sink: sink.url, ceOverrides })),
});

runSourceContract("HttpSource on the runtime's context", {
  createContext,
  http: true,
  create: ({ sink, ceOverrides }) =>
    createHttpSource(httpResource({ path: "/hook" }, { sink: sink.url, ceOverrides })),
  stimulate: async ({ router }) => {
    await send(`${router?.url}/hook`, { headers: { "content-type": "application/json" }, body: '{"n":1}' });
  },
});

runSourceContract("ProcessSource on the runtime's context", {
  createContext,
  create: ({ sink, ceOverrides }) =>
    createProcessSource(
      processResource(
        {
          command: [NODE, join(FIXTURES, "emitter.mjs")],
          env: [{ name: "EMIT_INTERVAL_MS", value: "50" }],
          stopGracePeriod: "PT2S",
        },
        { sink: sink.url, ceOverrides },
      ),
    ),
});
