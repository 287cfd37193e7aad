import { readFileSync } from "node:fs";

/**
 * When a process started, as the kernel counts it (clock ticks since boot, /proc/<pid>/stat field 22),
 * or null when there is no such live process (or no /proc). A pid with another start time is another
 * process that reused the id.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // A zombie has exited: it holds nothing any more.
    if (fields[0] === "Z" || fields[0] === "X") return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
