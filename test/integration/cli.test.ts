import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/app-fixture.js";
import { pushPayload } from "../helpers/github.js";
import { uniqueDir, uniqueName } from "../helpers/names.js";
import { CHILD_TIMEOUT_MS, CLI, startServer } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

// The compiled CLI as a user runs it (npm test builds dist/ first).
const dirs: string[] = [];
const tmp = () => {
  const d = uniqueDir("cli");
  dirs.push(d);
  return d;
};
// App names (and so Compose projects) unique to this run: a `serve` here deploys with
// `up --remove-orphans`, which must never touch another test's containers.
const shop = uniqueName("cli-shop");
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", DEPLOYER_CONFIG: "" },
    // A command that never exits (a `serve` that should have refused to start) fails instead of hanging the worker.
    timeout: CHILD_TIMEOUT_MS / 4,
    killSignal: "SIGKILL",
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A bare origin and a clone of it holding a compose file. */
function gitApp(root: string): string {
  const bare = join(root, "origin.git");
  const checkout = join(root, "app");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", bare], { timeout: 60_000 });
  execFileSync("git", ["clone", "-q", bare, checkout], { stdio: "ignore", timeout: 60_000 });
  writeFileSync(join(checkout, "docker-compose.prod.yml"), "services: {}\n");
  const g = (...a: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...a], {
      cwd: checkout,
      stdio: "ignore",
      timeout: 60_000,
    });
  g("checkout", "-q", "-b", "main");
  g("add", "-A");
  g("commit", "-q", "-m", "init");
  g("push", "-q", "-u", "origin", "main");
  return checkout;
}

/** Waits (generously) until a `serve` child answers /healthz; fails at once if it exits. */
async function waitUntilUp(port: number, child: ChildProcess): Promise<void> {
  await waitFor(
    `serve on port ${port}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
      return fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 60_000 },
  );
}

describe("deployer init", () => {
  it("writes a starter config and a .env with fresh secrets, and never overwrites", () => {
    const dir = tmp();
    const first = cli(dir, "init");
    expect(first.code).toBe(0);
    const yml = readFileSync(join(dir, "deployer.yml"), "utf8");
    const env = readFileSync(join(dir, ".env"), "utf8");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${VAR} syntax of the config file
    expect(yml).toContain("secret: ${GITHUB_WEBHOOK_SECRET}");
    expect(env).toMatch(/^GITHUB_WEBHOOK_SECRET=[0-9a-f]{64}$/m);
    expect(env).toMatch(/^DEPLOYER_API_TOKEN=[0-9a-f]{48}$/m);

    writeFileSync(join(dir, "deployer.yml"), "# mine\n");
    const second = cli(dir, "init");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("left alone");
    expect(readFileSync(join(dir, "deployer.yml"), "utf8")).toBe("# mine\n");
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe(env);
  });

  it("writes .env with mode 600", () => {
    const dir = tmp();
    expect(cli(dir, "init").code).toBe(0);
    expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
  });
});

describe("deployer systemd", () => {
  it("prints a unit for serve", () => {
    const dir = tmp();
    const r = cli(dir, "systemd");
    expect(r.code).toBe(0);
    for (const line of [
      "After=network-online.target docker.service",
      "Restart=on-failure",
      `WorkingDirectory=${dir}`,
      `EnvironmentFile=${join(dir, ".env")}`,
      `serve --config ${join(dir, "deployer.yml")}`,
      "WantedBy=multi-user.target",
    ]) {
      expect(r.stdout).toContain(line);
    }
  });
});

describe("deployer check", () => {
  it("prints one line per problem and exits 1", () => {
    const dir = tmp();
    writeFileSync(join(dir, "deployer.yml"), `apps:\n  ${shop}:\n    path: ./nope\n    colour: red\n`);
    const r = cli(dir, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`apps.${shop}`);
    expect(r.stdout).toContain("colour");
  });

  it("reports a missing compose file and a missing branch", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(
      join(dir, "deployer.yml"),
      `secret: s\napps:\n  ${shop}:\n    path: ${checkout}\n    branch: nope\n    composeFiles: [missing.yml]\n`,
    );
    const r = cli(dir, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("compose file missing.yml not found");
    expect(r.stdout).toContain("branch nope does not exist on origin");
  });

  it("exits 0 for a good config on a host with git, Docker and Compose", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, "deployer.yml"), `secret: s\napps:\n  ${shop}:\n    path: ${checkout}\n    branch: main\n`);
    const r = cli(dir, "check");
    expect(r.stdout + r.stderr).toContain("ok:");
    expect(r.code).toBe(0);
  });
});

describe("deployer serve and send-test", () => {
  it("refuses to start without a secret", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, "deployer.yml"), `apps:\n  ${shop}:\n    path: ${checkout}\n`);
    const r = cli(dir, "serve", "--port", "0");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no webhook secret");
  });

  it("send-test delivers a signed push for the remote head", async () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    mkdirSync(join(dir, "srv"));
    const server = await startServer(join(dir, "srv"), { apps: { [shop]: { path: checkout, branch: "main" } } });
    try {
      const head = execFileSync("git", ["rev-parse", "HEAD"], {
        cwd: checkout,
        encoding: "utf8",
        timeout: 60_000,
      }).trim();
      const r = cli(join(dir, "srv"), "send-test", shop, "--config", server.configFile);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^202 /);
      expect(r.stdout).toContain(head);
    } finally {
      await server.stop();
    }
  });
});

describe("configuration from the environment", () => {
  it("check finds its config through DEPLOYER_CONFIG", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    mkdirSync(join(dir, "etc"));
    writeFileSync(
      join(dir, "etc", "deploy.yml"),
      `secret: s\napps:\n  ${shop}:\n    path: ${checkout}\n    colour: red\n`,
    );
    const r = spawnSync(process.execPath, [CLI, "check"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, DEPLOYER_CONFIG: join(dir, "etc", "deploy.yml") },
      timeout: CHILD_TIMEOUT_MS / 4,
      killSignal: "SIGKILL",
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(join(dir, "etc", "deploy.yml"));
    expect(r.stdout).toContain("colour");
  });

  it("serve takes the secret from .env in the working directory, and --port overrides the config", async () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, ".env"), "GITHUB_WEBHOOK_SECRET=from-dotenv\n");
    writeFileSync(
      join(dir, "deployer.yml"),
      `server: { port: 1 }\nlogFile: null\napps:\n  ${shop}:\n    path: ${checkout}\n`,
    );
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, "serve", "--host", "127.0.0.1", "--port", String(port)], {
      cwd: dir,
      stdio: "ignore",
      env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", DEPLOYER_CONFIG: "" },
      timeout: CHILD_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    try {
      await waitUntilUp(port, child);
      const body = JSON.stringify(pushPayload({ fullName: "acme/other", after: "a".repeat(40) }));
      const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-hub-signature-256": await sign("from-dotenv", body),
        },
        body,
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill();
    }
  });

  it("--allow-unsigned accepts unsigned webhooks and warns on each one", async () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, "deployer.yml"), `logFile: null\napps:\n  ${shop}:\n    path: ${checkout}\n`);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--allow-unsigned", "--host", "127.0.0.1", "--port", String(port)],
      {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", DEPLOYER_CONFIG: "" },
        timeout: CHILD_TIMEOUT_MS,
        killSignal: "SIGKILL",
      },
    );
    let out = "";
    child.stdout?.on("data", (c) => (out += c));
    try {
      await waitUntilUp(port, child);
      const body = JSON.stringify(pushPayload({ fullName: "acme/other", after: "a".repeat(40) }));
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-github-event": "push" },
          body,
        });
        expect(res.status).toBe(200);
      }
      // The warning goes out through pino's asynchronous stream: wait for both lines, then check there are no more.
      await waitFor(
        "two unsigned-webhook warnings",
        () => (out.match(/accepting an unsigned webhook/g)?.length ?? 0) >= 2,
      );
      expect(out.match(/accepting an unsigned webhook/g)?.length).toBe(2);
    } finally {
      child.kill();
    }
  });
});

describe("apps sharing a Compose project", () => {
  it("are reported by check and refused by serve", () => {
    const dir = tmp();
    const a = gitApp(join(dir, "a"));
    const b = gitApp(join(dir, "b"));
    writeFileSync(
      join(dir, "deployer.yml"),
      `secret: s\napps:\n  one:\n    path: ${a}\n    project: shared\n  two:\n    path: ${b}\n    project: Shared\n`,
    );
    const check = cli(dir, "check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("apps.two: Compose project shared is also app one's");
    const serve = cli(dir, "serve", "--port", "0");
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain("Compose project shared");
  });
});
