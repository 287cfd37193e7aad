import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, startServer } from "../helpers/server.js";

// The compiled CLI as a user runs it (npm test builds dist/ first).
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "deployer-cli-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", DEPLOYER_CONFIG: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A bare origin and a clone of it holding a compose file. */
function gitApp(root: string): string {
  const bare = join(root, "origin.git");
  const checkout = join(root, "app");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", bare]);
  execFileSync("git", ["clone", "-q", bare, checkout], { stdio: "ignore" });
  writeFileSync(join(checkout, "docker-compose.prod.yml"), "services: {}\n");
  const g = (...a: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...a], { cwd: checkout, stdio: "ignore" });
  g("checkout", "-q", "-b", "main");
  g("add", "-A");
  g("commit", "-q", "-m", "init");
  g("push", "-q", "-u", "origin", "main");
  return checkout;
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
    writeFileSync(join(dir, "deployer.yml"), "apps:\n  shop:\n    path: ./nope\n    colour: red\n");
    const r = cli(dir, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("apps.shop");
    expect(r.stdout).toContain("colour");
  });

  it("reports a missing compose file and a missing branch", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(
      join(dir, "deployer.yml"),
      `secret: s\napps:\n  shop:\n    path: ${checkout}\n    branch: nope\n    composeFiles: [missing.yml]\n`,
    );
    const r = cli(dir, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("compose file missing.yml not found");
    expect(r.stdout).toContain("branch nope does not exist on origin");
  });

  it("exits 0 for a good config on a host with git, Docker and Compose", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, "deployer.yml"), `secret: s\napps:\n  shop:\n    path: ${checkout}\n    branch: main\n`);
    const r = cli(dir, "check");
    expect(r.stdout + r.stderr).toContain("ok:");
    expect(r.code).toBe(0);
  });
});

describe("deployer serve and send-test", () => {
  it("refuses to start without a secret", () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    writeFileSync(join(dir, "deployer.yml"), `apps:\n  shop:\n    path: ${checkout}\n`);
    const r = cli(dir, "serve", "--port", "0");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no webhook secret");
  });

  it("send-test delivers a signed push for the remote head", async () => {
    const dir = tmp();
    const checkout = gitApp(dir);
    mkdirSync(join(dir, "srv"));
    const server = await startServer(join(dir, "srv"), { apps: { shop: { path: checkout, branch: "main" } } });
    try {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: checkout, encoding: "utf8" }).trim();
      const r = cli(join(dir, "srv"), "send-test", "shop", "--config", server.configFile);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^202 /);
      expect(r.stdout).toContain(head);
    } finally {
      await server.stop();
    }
  });
});
