import type { Scenario } from "../lib/session.js";
import { b0 } from "./b0-baselines.js";
import { b1 } from "./b1-throughput.js";
import { b2 } from "./b2-latency.js";
import { b3 } from "./b3-fanout.js";
import { b4 } from "./b4-triggers.js";
import { b5 } from "./b5-isolation.js";
import { b6 } from "./b6-backlog.js";
import { b7 } from "./b7-overload.js";

/** In run order: later scenarios build on earlier figures (B2, B3, B6 and B7 on B1's maximum). */
export const SCENARIOS: readonly Scenario[] = [b0, b1, b2, b3, b4, b5, b6, b7];
