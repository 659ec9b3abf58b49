import { runBrokerContract } from "@sluice/testing";
import { createMemoryBackend } from "../src/index.js";

runBrokerContract("memory", { create: async () => createMemoryBackend() });
