import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isLive, procGroupMembers, readProcStat } from "./process-group.js";

/**
 * The process group a ProcessSource last started, kept in its state folder (under --data-dir) so
 * that a Sluice killed with SIGKILL (no shutdown, so no one stopped the group) can stop the group
 * it left behind when it starts again, instead of running a second copy of the command beside it.
 */
const FILE = "process-group.json";

interface GroupRecord {
  readonly pgid: number;
  /** The leader's start time (/proc/<pid>/stat): tells our leader from a later process with its pid. */
  readonly startTime: number;
}

/** Notes the group just started (best effort: Linux only, where it can be verified later). */
export async function recordGroup(stateDir: string, pgid: number): Promise<void> {
  const stat = readProcStat(pgid);
  if (stat === undefined) return;
  const record: GroupRecord = { pgid, startTime: stat.startTime };
  const target = join(stateDir, FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(record));
  await rename(`${target}.tmp`, target);
}

/** Forgets the group (it was stopped). */
export async function forgetGroup(stateDir: string): Promise<void> {
  await rm(join(stateDir, FILE), { force: true });
}

/**
 * The group a previous run left running, if it is still there and provably the same: either its
 * leader is alive with the recorded start time, or the leader is gone and other members remain
 * (Linux does not hand out a pid that is still some group's id, so no other group can have that
 * id meanwhile). Undefined when there is no record, nothing left, or no /proc to verify with.
 */
export async function leftoverGroup(stateDir: string): Promise<number | undefined> {
  let record: GroupRecord;
  try {
    record = JSON.parse(await readFile(join(stateDir, FILE), "utf8")) as GroupRecord;
  } catch {
    return undefined; // no record (the common case) or an unreadable one: nothing to verify
  }
  if (!Number.isSafeInteger(record.pgid) || record.pgid <= 1) return undefined;
  const members = procGroupMembers(record.pgid)?.filter(isLive);
  if (members === undefined || members.length === 0) return undefined;
  const leader = members.find((m) => m.pid === record.pgid);
  if (leader !== undefined && leader.startTime !== record.startTime) return undefined;
  return record.pgid;
}
