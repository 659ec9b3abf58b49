import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * True while a live process is in the group. On Linux /proc is read so zombies do not count: a
 * killed grandchild whose parent died is reaped by PID 1, and in a container PID 1 may never do
 * it. Elsewhere kill(-pgid, 0) answers.
 */
export function groupAlive(pgid: number): boolean {
  const members = procGroupMembers(pgid);
  if (members !== undefined) return members.some(isLive);
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What /proc/<pid>/stat says of one process. */
export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), X (dead), ... */
  readonly state: string;
  readonly pgrp: number;
  /** Clock ticks after boot when the process started: with the pid, it names one process. */
  readonly startTime: number;
}

/** /proc/<pid>/stat parsed; undefined when the process is gone or there is no /proc. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return parseProcStat(pid, text);
}

function parseProcStat(pid: number, text: string): ProcStat {
  // "pid (comm) state ppid pgrp ... starttime(22nd) ...": comm may hold spaces and parentheses,
  // so split after the last ")"; fields[0] is the 3rd field.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: fields[0] ?? "",
    pgrp: Number(fields[2]),
    startTime: Number(fields[19]),
  };
}

/** Every process of group `pgid`, from /proc; undefined when /proc is not there. */
export function procGroupMembers(pgid: number): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const members: ProcStat[] = [];
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(Number(entry)); // undefined: it exited while we looked
    if (stat?.pgrp === pgid) members.push(stat);
  }
  return members;
}

/** Running or sleeping: not a zombie waiting for a reaper, not dead. */
export function isLive(stat: ProcStat): boolean {
  return stat.state !== "Z" && stat.state !== "X";
}

const POLL_MS = 20;

/** Waits until the group is empty or `timeoutMs` passed; true when it emptied. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/**
 * Stops a process group the way a container runtime stops a container: SIGTERM to all, SIGKILL
 * to whatever is left after the grace period. Resolves once no live process remains (or after a
 * last bounded wait following SIGKILL, which cannot be ignored).
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  if (await waitForGroupExit(pgid, graceMs)) return;
  if (!signalGroup(pgid, "SIGKILL")) return;
  await waitForGroupExit(pgid, 5_000);
}
