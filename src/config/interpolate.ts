const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a parsed YAML tree.
 * Done after parsing so a value can never change the document's structure.
 * Returns the new tree and one problem per missing variable, naming the key it is used in.
 */
export function interpolate(
  node: unknown,
  env: Record<string, string | undefined>,
  keyPath: string[] = [],
  problems: string[] = [],
): { value: unknown; problems: string[] } {
  if (typeof node === "string") {
    const value = node.replace(VAR, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== "") return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${keyPath.join(".") || "(root)"}: environment variable ${name} is not set`);
      return "";
    });
    return { value, problems };
  }
  if (Array.isArray(node)) {
    return { value: node.map((item, i) => interpolate(item, env, [...keyPath, String(i)], problems).value), problems };
  }
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = interpolate(v, env, [...keyPath, k], problems).value;
    return { value: out, problems };
  }
  return { value: node, problems };
}
