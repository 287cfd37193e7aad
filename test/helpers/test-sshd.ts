import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const SETUP = resolve(import.meta.dirname, "../../scripts/setup-host.sh");

/** An sshd on a loopback port (scripts/test-sshd.sh) and an ssh-agent holding the test's key. */
export interface TestSshd {
  /** ssh://<user>@127.0.0.1:<port>: the engine behind it is this machine's default one. */
  dockerHost: string;
  /** SSH_AUTH_SOCK of the agent that holds the client key. */
  agentSocket: string;
  /** Accepts the server's host key, as a user would once by hand (a marked line in ~/.ssh/known_hosts). */
  trust(): void;
  stop(): void;
}

export async function startTestSshd(port: number): Promise<TestSshd> {
  const dir = mkdtempSync("/tmp/h12-sshd-");
  execFileSync("bash", [SETUP, "sshd", "start", dir, String(port)], { stdio: "ignore" });
  const agentSocket = join(dir, "agent.sock");
  const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", agentSocket], { stdio: "ignore" });
  for (let i = 0; i < 40 && !existsSync(agentSocket); i++) await sleep(100);
  execFileSync("ssh-add", ["-q", join(dir, "client_key")], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  const knownHosts = join(homedir(), ".ssh", "known_hosts");
  const marker = ` h12-test-${port}`;
  const untrust = () => {
    if (!existsSync(knownHosts)) return;
    const kept = readFileSync(knownHosts, "utf8")
      .split("\n")
      .filter((l) => !l.endsWith(marker));
    writeFileSync(knownHosts, kept.join("\n"));
  };
  return {
    dockerHost: `ssh://${userInfo().username}@127.0.0.1:${port}`,
    agentSocket,
    trust() {
      const key = readFileSync(join(dir, "host_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
      execFileSync("mkdir", ["-p", join(homedir(), ".ssh")]);
      const before = existsSync(knownHosts) ? readFileSync(knownHosts, "utf8") : "";
      const sep = before === "" || before.endsWith("\n") ? "" : "\n";
      writeFileSync(knownHosts, `${before}${sep}[127.0.0.1]:${port} ${key}${marker}\n`);
    },
    stop() {
      untrust();
      agent.kill();
      execFileSync("bash", [SETUP, "sshd", "stop", dir], { stdio: "ignore" });
    },
  };
}
