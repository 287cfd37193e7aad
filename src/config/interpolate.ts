const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a parsed YAML tree.
 * Done after parsing so a value can never change the document's structure.
 * `keep` names the variables left as they are (a multi-host app's health URL resolves them per host).
 * Returns the new tree and one problem per missing variable, naming the key it is used in.
 */
export function interpolate(
  node: unknown,
  env: Record<string, string | undefined>,
  keyPath: string[] = [],
  problems: string[] = [],
  keep: (keyPath: string[], name: string) => boolean = () => false,
): { value: unknown; problems: string[] } {
  if (typeof node === "string") {
    const value = node.replace(VAR, (m, name: string, fallback: string | undefined) => {
      if (keep(keyPath, name)) return m;
      const v = env[name];
      if (v !== undefined && v !== "") return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${keyPath.join(".") || "(root)"}: environment variable ${name} is not set`);
      return "";
    });
    return { value, problems };
  }
  if (Array.isArray(node)) {
    return {
      value: node.map((item, i) => interpolate(item, env, [...keyPath, String(i)], problems, keep).value),
      problems,
    };
  }
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = interpolate(v, env, [...keyPath, k], problems, keep).value;
    return { value: out, problems };
  }
  return { value: node, problems };
}
