import type { ResultsFile, ScenarioReport } from "./model.js";

/** The figure both runs measure first (B0's null broker, 1 KB), used to compare machine speed. */
const REFERENCE = { scenario: "B0", name: "nullBroker.1024" } as const;
const MIN_FACTOR = 0.25;
const MAX_FACTOR = 4;

/**
 * A figure exported earlier in this run, or else the latest results file's, used as a ramp's
 * starting hint. A figure from the results file was measured on whatever machine made it, so once
 * this run's B0 has measured the null broker it is scaled by how this machine compares (a faster
 * machine's maxima made a first run on a slower one start every ramp far above its knee and walk
 * down through overloaded steps). B0's own figures are not scaled: they are the reference.
 */
export function exportedFigure(
  reports: readonly ScenarioReport[],
  previous: ResultsFile | undefined,
  scenario: string,
  name: string,
): number | undefined {
  const own = exportOf(reports, scenario, name);
  if (own !== undefined) return own;
  const old = exportOf(previous?.scenarios, scenario, name);
  if (old === undefined || scenario === REFERENCE.scenario) return old;
  // a rate, on the ramps' grid of 10 ev/s (B7 offers it as it is)
  return Math.round((old * speedFactor(reports, previous)) / 10) * 10;
}

/** This run's reference figure over the previous run's, within [1/4, 4]; 1 when either is missing. */
export function speedFactor(reports: readonly ScenarioReport[], previous: ResultsFile | undefined): number {
  const now = exportOf(reports, REFERENCE.scenario, REFERENCE.name);
  const then = exportOf(previous?.scenarios, REFERENCE.scenario, REFERENCE.name);
  if (now === undefined || then === undefined || now <= 0 || then <= 0) return 1;
  return Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, now / then));
}

export function exportOf(
  reports: readonly ScenarioReport[] | undefined,
  scenario: string,
  name: string,
): number | undefined {
  return reports?.find((r) => r.id === scenario)?.exports[name];
}
