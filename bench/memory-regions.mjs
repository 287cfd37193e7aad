// A process's RSS by memory region (the node binary, anonymous memory, glibc's heap, native addons, ...),
// in MB, largest first: where the memory of bench/targets.mjs and bench/rss-curve.mjs sits.
import { readFileSync } from "node:fs";

export function memoryRegions(pid) {
  const out = {};
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      name = m[1] || "[anon]";
      name = name.endsWith(".node") ? "native addons" : name.split("/").pop();
      continue;
    }
    const r = /^Rss:\s+(\d+)/.exec(line);
    if (r) out[name] = (out[name] ?? 0) + Number(r[1]) / 1024;
  }
  return Object.entries(out)
    .filter(([, v]) => v >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
}
