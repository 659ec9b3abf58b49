import { CoreErrors, SluiceError } from "./errors.js";

// ISO-8601 durations as Knative accepts them (rickb777/date/period): PnYnMnWnDTnHnMnS, fractions
// allowed on the smallest unit present. Years and months use fixed lengths (365 and 30 days) as
// period.DurationApprox does; Knative users write seconds and minutes in practice.
const DURATION =
  /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const UNIT_MS = [365 * 86_400_000, 30 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/**
 * Parses an ISO-8601 duration (`PT0.5S`, `PT1M30S`, `P1D`) into milliseconds.
 * Throws SluiceError `SLUICE_ERR_CORE_INVALID_DURATION` for anything else, including `P`, `PT`
 * and negative durations.
 */
export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null || text === "P" || text.endsWith("T")) {
    throw new SluiceError(
      CoreErrors.INVALID_DURATION,
      `"${text}" is not an ISO-8601 duration (examples: PT0.2S, PT10S, PT1M30S, P1D)`,
    );
  }
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) ms += Number(part.replace(",", ".")) * (UNIT_MS[i] as number);
  }
  return Math.round(ms);
}

/** Formats milliseconds as an ISO-8601 duration (`PT0.2S`), for messages and docs. */
export function formatIsoDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`;
}
