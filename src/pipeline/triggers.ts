import picomatch from "picomatch";

/** `[skip deploy]` or `[deploy skip]` anywhere in a commit message skips that push. */
const SKIP_MARKER = /\[(skip deploy|deploy skip)\]/i;

export function hasSkipMarker(message: string | undefined): boolean {
  return message !== undefined && SKIP_MARKER.test(message);
}

/** A pattern without a slash matches a file's name at any depth (like rebuildOn and .gitignore). */
function matcher(patterns: readonly string[]): (file: string) => boolean {
  return picomatch(
    patterns.map((p) => (p.includes("/") ? p : `**/${p}`)),
    { dot: true },
  );
}

export interface PathRules {
  paths?: readonly string[] | undefined;
  ignorePaths?: readonly string[] | undefined;
}

/**
 * Why a change to `changed` (paths relative to the repo root) does not deploy, or undefined when it
 * does: some changed file must match `paths` (when set) and not match `ignorePaths`.
 */
export function pathSkipReason(changed: readonly string[], rules: PathRules): string | undefined {
  if (!rules.paths && !rules.ignorePaths) return undefined;
  if (changed.length === 0) return "no file changed since the deployed commit";
  const wanted = rules.paths ? matcher(rules.paths) : () => true;
  const ignored = rules.ignorePaths ? matcher(rules.ignorePaths) : () => false;
  const relevant = changed.filter((f) => wanted(f) && !ignored(f));
  if (relevant.length > 0) return undefined;
  const sample = changed.slice(0, 5).join(", ") + (changed.length > 5 ? `, … (${changed.length} files)` : "");
  const rule = [
    rules.paths && `paths ${rules.paths.join(", ")}`,
    rules.ignorePaths && `ignorePaths ${rules.ignorePaths.join(", ")}`,
  ]
    .filter(Boolean)
    .join(" and ");
  return `no changed file matches ${rule}: ${sample}`;
}
