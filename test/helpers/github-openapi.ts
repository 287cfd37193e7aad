import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// GitHub's published OpenAPI description (@octokit/openapi): the fakes' expectations come from it.
const require = createRequire(import.meta.url);
const spec = JSON.parse(
  readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8"),
) as { paths: Record<string, Record<string, any>> };

/** The documented operation a concrete request matches, or undefined. */
export function githubOperation(method: string, path: string): { template: string; op: any } | undefined {
  for (const [template, ops] of Object.entries(spec.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const op = ops[method.toLowerCase()];
    if (op && re.test(path.split("?")[0] as string)) return { template, op };
  }
  return undefined;
}

/** Problems of a request body against the operation's documented schema (required, known keys, enums, types). */
export function githubBodyProblems(method: string, path: string, body: Record<string, unknown>): string[] {
  const found = githubOperation(method, path);
  if (!found) return [`${method} ${path} is not in GitHub's API description`];
  const schema = found.op.requestBody?.content?.["application/json"]?.schema;
  const problems: string[] = [];
  for (const key of schema?.required ?? []) if (!(key in body)) problems.push(`missing required ${key}`);
  for (const [key, value] of Object.entries(body)) {
    const prop = schema?.properties?.[key];
    if (!prop) {
      problems.push(`unknown field ${key}`);
      continue;
    }
    if (prop.enum && !prop.enum.includes(value)) problems.push(`${key}=${String(value)} not in ${prop.enum}`);
    const types: string[] = prop.type ? [prop.type].flat() : (prop.oneOf?.flatMap((o: any) => o.type) ?? []);
    const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
    const ok = types.length === 0 || types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!ok) problems.push(`${key} is ${actual}, documented ${types.join("|")}`);
  }
  return problems;
}

/** The documented success status of an operation (201 for creations). */
export function githubSuccessStatus(method: string, path: string): number {
  const codes = Object.keys(githubOperation(method, path)?.op.responses ?? {}).map(Number);
  return codes.find((c) => c >= 200 && c < 300) ?? 200;
}
