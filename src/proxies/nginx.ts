import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NginxProxyConfig } from "../config/schema.js";
import { type RunOptions, runArgv } from "../runners/exec.js";
import { type AppProxy, ProxyError, UPSTREAM_HEADER } from "./types.js";

/** The file deployer owns in `confDir`. App names are restricted by the config schema, so this stays inside it. */
export function nginxConfFile(confDir: string, app: string): string {
  return join(confDir, `deployer-${app}.conf`);
}

/** The whole content of the app's file: the upstream, and a server block when `listen` is set. Pure. */
export function renderNginxConf(app: string, upstream: string, listen: string | undefined): string {
  const lines = [
    `# Written by deployer for app ${app}: rewritten on every switch, do not edit.`,
    `upstream deployer_${app} {`,
    `    server ${upstream};`,
    "}",
  ];
  if (listen) {
    lines.push(
      "server {",
      `    listen ${listen};`,
      "    location / {",
      `        proxy_pass http://deployer_${app};`,
      "        proxy_http_version 1.1;",
      '        proxy_set_header Connection "";',
      "        proxy_set_header Host $host;",
      "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "        proxy_set_header X-Forwarded-Proto $scheme;",
      `        add_header ${UPSTREAM_HEADER} $upstream_addr always;`,
      "    }",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The upstream a file written by renderNginxConf points at. */
export function parseNginxUpstream(text: string): string | undefined {
  return /upstream deployer_\S+ \{\s*server (\S+);/.exec(text)?.[1];
}

/** `nginx -t` in the same form as the reload command (same binary, same -c/-p flags). */
export function nginxTestArgv(cfg: NginxProxyConfig): string[] {
  if (cfg.test) return cfg.test;
  const i = cfg.reload.indexOf("-s");
  if (i > 0 && cfg.reload[i + 1] === "reload") return [...cfg.reload.slice(0, i), "-t", ...cfg.reload.slice(i + 2)];
  return ["nginx", "-t"];
}

export function nginxProxy(app: string, cfg: NginxProxyConfig): AppProxy {
  const file = nginxConfFile(cfg.confDir, app);
  const read = () => readFile(file, "utf8").catch(() => undefined);
  const put = async (text: string | undefined) => {
    if (text === undefined) return rm(file, { force: true });
    // Written beside it, then renamed: nginx never reads a half-written file.
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  };
  const mustSucceed = async (argv: string[], what: string, opts: RunOptions) => {
    const r = await runArgv(argv as [string, ...string[]], opts);
    const out = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    if (r.exitCode !== 0) throw new ProxyError(`nginx ${what} failed (exit ${r.exitCode}): ${out}`);
  };
  return {
    kind: "nginx",
    url: cfg.listen ? `http://${cfg.listen}` : undefined,
    current: async () => {
      const text = await read();
      return text === undefined ? undefined : parseNginxUpstream(text);
    },
    async switchTo(upstream, opts) {
      const before = await read();
      await put(renderNginxConf(app, upstream, cfg.listen));
      try {
        await mustSucceed(nginxTestArgv(cfg), "configuration test", opts);
        await mustSucceed(cfg.reload, "reload", opts);
      } catch (err) {
        await put(before);
        throw err;
      }
    },
  };
}
