import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { always, makeEnvelope, makeEvent, type RecordingSink, startRecordingSink } from "@sluice/testing";
import { createDispatcher, DeliveryErrors, type DeliveryResult, type Dispatcher } from "../src/index.js";
import { attemptLog, header, policy } from "./helpers.js";

let sink: RecordingSink;
let dls: RecordingSink;
let dispatcher: Dispatcher;
const log = attemptLog();

before(async () => {
  sink = await startRecordingSink();
  dls = await startRecordingSink();
  dispatcher = createDispatcher({ onAttempt: log.onAttempt });
});
after(async () => {
  await dispatcher.close();
  await sink.close();
  await dls.close();
});

function byId(s: RecordingSink, id: string) {
  return s.requests.filter((r) => r.headers["ce-id"] === id);
}

describe("dead-letter sink", () => {
  it("a 422 with a body → knativeerrorcode 422 and knativeerrordata = base64(body), original event otherwise", async () => {
    const errorBody = '{ "message": "catastrophic failure" }';
    sink.respond(always(422, errorBody, { "content-type": "application/json" }));
    dls.respond(always(202));
    const event = makeEvent({ subject: "s1", myext: "v" }, "original data");
    const id = event.attributes.get("id") as string;
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event, {
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      }),
      url: `${sink.url}fn`,
      policy: policy({ retry: 3, deadLetterSink: { url: dls.url } }),
      namespace: "team-a",
    });
    assert.equal(result.outcome, "dead-lettered");
    assert.equal(result.attempts, 1, "422 is not retried");
    const [received] = byId(dls, id);
    assert.ok(received);
    assert.equal(received.headers["ce-knativeerrorcode"], "422");
    assert.equal(received.headers["ce-knativeerrordata"], Buffer.from(errorBody).toString("base64"));
    assert.equal(received.headers["ce-knativeerrordest"], `${sink.url}fn`);
    assert.equal(received.headers["ce-subject"], "s1");
    assert.equal(received.headers["ce-myext"], "v");
    assert.equal(received.body.toString(), "original data");
    assert.equal(received.headers.prefer, undefined, "no Prefer: reply to a dead-letter sink");
    assert.equal(received.headers["kn-namespace"], "team-a");
    assert.equal(received.headers.traceparent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    if (result.outcome === "dead-lettered") {
      assert.equal(result.deadLetterEvent.attributes.get("knativeerrorcode"), "422");
      assert.equal(result.deadLetterAttempts, 1);
    }
  });

  it("knativeerrordata is cut to 1024 base64 characters", async () => {
    const errorBody = "x".repeat(700) + "y".repeat(1300);
    sink.respond(always(500, errorBody));
    dls.respond(always(202));
    const event = makeEvent();
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 0, deadLetterSink: { url: dls.url } }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "dead-lettered");
    const [received] = byId(dls, event.attributes.get("id") as string);
    const data = header(received?.headers ?? {}, "ce-knativeerrordata") ?? "";
    assert.equal(data.length, 1024);
    assert.equal(data, Buffer.from(errorBody).toString("base64").slice(0, 1024));
  });

  it("a failing dead-letter sink → failed, with the dead-letter event to keep; it got the same retries", async () => {
    sink.respond(always(500, "boom"));
    dls.respond(always(503));
    const event = makeEvent({}, "keep me");
    const id = event.attributes.get("id") as string;
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 2, deadLetterSink: { url: dls.url } }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "failed");
    const failed = result as Extract<DeliveryResult, { outcome: "failed" }>;
    assert.equal(failed.attempts, 3);
    assert.equal(failed.deadLetterAttempts, 3);
    assert.equal(byId(dls, id).length, 3);
    assert.match(
      failed.reason,
      new RegExp(`^${DeliveryErrors.DEAD_LETTER_FAILED}: dead-letter sink failed: .*503`),
    );
    assert.equal(failed.deadLetterEvent.attributes.get("knativeerrordest"), sink.url);
    assert.equal(failed.deadLetterEvent.attributes.get("knativeerrorcode"), "500");
    assert.equal(
      failed.deadLetterEvent.attributes.get("knativeerrordata"),
      Buffer.from("boom").toString("base64"),
    );
    assert.equal(Buffer.from(failed.deadLetterEvent.data ?? []).toString(), "keep me");
    assert.equal(failed.deadLetterEvent.attributes.get("id"), id);
    const dlAttempts = log.attempts.filter((a) => a.deadLetter && a.url === dls.url && a.status === 503);
    assert.ok(dlAttempts.length >= 3);
  });

  it("no dead-letter sink → failed, with the dead-letter event to keep", async () => {
    sink.respond(always(404));
    const event = makeEvent();
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 1 }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "failed");
    const failed = result as Extract<DeliveryResult, { outcome: "failed" }>;
    assert.equal(failed.attempts, 2);
    assert.equal(failed.deadLetterAttempts, 0);
    assert.match(failed.reason, new RegExp(`^${DeliveryErrors.NO_DEAD_LETTER_SINK}: `));
    assert.equal(failed.deadLetterEvent.attributes.get("knativeerrorcode"), "404");
    assert.equal(
      failed.deadLetterEvent.attributes.has("knativeerrordata"),
      false,
      "no body, no knativeerrordata",
    );
  });

  it("a dead-letter sink's 200 with a CloudEvent body is not a reply", async () => {
    sink.respond(always(400));
    dls.respond(
      always(200, "{}", { "ce-specversion": "1.0", "ce-id": "r", "ce-source": "/r", "ce-type": "reply" }),
    );
    let replies = 0;
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(),
      url: sink.url,
      policy: policy({ retry: 0, deadLetterSink: { url: dls.url } }),
      namespace: "ns",
      onReply: async () => {
        replies++;
      },
    });
    assert.equal(result.outcome, "dead-lettered");
    assert.equal(replies, 0);
  });

  it("knativebrokerttl never reaches the dead-letter sink nor the kept event", async () => {
    sink.respond(always(400));
    dls.respond(always(202));
    const event = makeEvent({ knativebrokerttl: "200" });
    const result = await dispatcher.deliver({
      envelope: makeEnvelope(event),
      url: sink.url,
      policy: policy({ retry: 0, deadLetterSink: { url: dls.url } }),
      namespace: "ns",
    });
    assert.equal(result.outcome, "dead-lettered");
    const [received] = byId(dls, event.attributes.get("id") as string);
    assert.equal(received?.headers["ce-knativebrokerttl"], undefined);
    assert.equal(
      result.outcome === "dead-lettered" && result.deadLetterEvent.attributes.has("knativebrokerttl"),
      false,
    );
  });
});
