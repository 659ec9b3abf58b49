#!/usr/bin/env node
// Sends a webhook the way GitHub does: JSON body, X-GitHub-Event, X-GitHub-Delivery and
// X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(secret, raw body)).
// Usage: node send-webhook.mjs [event] [url] [secret]
import { createHmac, randomUUID } from "node:crypto";

const [
  event = "push",
  url = `http://127.0.0.1:${process.env.SLUICE_PORT ?? 8080}/webhooks/github`,
  secret = "change-me-to-a-long-random-string",
] = process.argv.slice(2);
const body = JSON.stringify({
  ref: "refs/heads/main",
  repository: { full_name: "acme/shop" },
  pusher: { name: "octocat" },
  head_commit: { message: "Fix the checkout" },
});
const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const response = await fetch(url, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": signature,
  },
  body,
});
console.log(`${response.status} ${await response.text()}`);
process.exitCode = response.status === 202 ? 0 : 1;
