import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { type ComposeCli, defaultImageName, detectCompose } from "../../src/runners/compose.js";
import { uniqueDir, uniqueName } from "./names.js";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

let detected: Promise<ComposeCli> | undefined;
/** The Compose the product itself would use on this host (v2 preferred), found the same way. */
export function hostCompose(): Promise<ComposeCli> {
  detected ??= detectCompose("auto").then((c) => {
    if (!c) throw new Error("no Docker Compose on this host");
    return c;
  });
  return detected;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    },
  }).trim();

export const docker = (...args: string[]) =>
  execFileSync("docker", args, { encoding: "utf8", timeout: 120_000 }).trim();

/** A RUN step that takes `seconds` (busybox has no shell path in a scratch image: exec form). */
export const slowStep = (seconds: number) => `RUN ["/bin/busybox", "sleep", "${seconds}"]\n`;

/** Compose file of the test app; `extra` is YAML appended under services. */
export function composeFile(port: number, web = "", extra = ""): string {
  // Builds need no network (FROM scratch): `network: none` keeps them independent of the engine's default bridge.
  return `services:\n  web:\n    build: { context: ./web, network: none }\n    ports: ["127.0.0.1:${port}:8080"]\n${web}${extra}`;
}

export interface AppFixture {
  name: string;
  /** owner/name the webhook payloads use. */
  fullName: string;
  root: string;
  /** The bare repository: the app's origin. */
  bare: string;
  /** A clone the test commits and pushes from (the developer's machine). */
  work: string;
  /** The app's checkout that deployer deploys (config `path`). */
  checkout: string;
  port: number;
  /** The Compose project: unique to this fixture (test/helpers/names.ts). */
  project: string;
  /** The Compose in use (same detection as the product). */
  compose: ComposeCli;
  /** The image Compose builds for `service`, named by the product's own function. */
  image(service?: string): string;
  /** Writes files in the work clone, commits and pushes; returns the new commit id. */
  push(files: Record<string, string | null>, message?: string): string;
  /** Writes and commits in the work clone without pushing. */
  commit(files: Record<string, string | null>, message?: string): string;
  /** Force-pushes the work clone's branch to `sha` (after a local reset). */
  forcePush(sha: string): void;
  git(cwd: string, ...args: string[]): string;
  head(): string;
  /** What the app serves now, or undefined if nothing answers. */
  served(path?: string): Promise<string | undefined>;
  /** Container id of the running web service. */
  containerId(): string;
  destroy(): void;
}

/**
 * A real app named `dt-<label>-…` (unique: see names.ts): a bare repo as origin, a work clone, and a deploy checkout, holding a
 * FROM-scratch image that runs busybox httpd and serves version.txt on `port`.
 */
export async function createAppFixture(label: string, opts: { dockerfileExtra?: string } = {}): Promise<AppFixture> {
  const name = uniqueName(label);
  const root = uniqueDir(label);
  const compose = await hostCompose();
  const bare = join(root, "origin.git");
  const work = join(root, "work");
  const checkout = join(root, "checkout");
  const port = await freePort();
  const project = name.toLowerCase();

  git(root, "init", "-q", "--bare", "-b", "main", bare);
  git(root, "clone", "-q", bare, work);
  git(work, "checkout", "-q", "-b", "main");

  const write = (files: Record<string, string | null>) => {
    for (const [path, content] of Object.entries(files)) {
      const abs = join(work, path);
      if (content === null) rmSync(abs, { force: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
  };
  const commit = (files: Record<string, string | null>, message = "change") => {
    write(files);
    git(work, "add", "-A");
    git(work, "commit", "-q", "--allow-empty", "-m", message);
    return git(work, "rev-parse", "HEAD");
  };

  mkdirSync(join(work, "web"), { recursive: true });
  copyFileSync("/bin/busybox", join(work, "web", "busybox"));
  commit(
    {
      "web/Dockerfile": dockerfile(opts.dockerfileExtra),
      "web/version.txt": "v1\n",
      "web/.dockerignore": "notes.md\n",
      "docker-compose.prod.yml": composeFile(port),
      "README.md": "# test app\n",
      ".gitignore": ".env\ndata/\n",
    },
    "initial",
  );
  git(work, "push", "-q", "-u", "origin", "main");
  git(root, "clone", "-q", bare, checkout);

  return {
    name,
    fullName: `acme/${name}`,
    root,
    bare,
    work,
    checkout,
    port,
    project,
    compose,
    image: (service = "web") => defaultImageName(compose, project, service),
    commit,
    push(files, message) {
      const sha = commit(files, message);
      git(work, "push", "-q", "origin", "main");
      return sha;
    },
    forcePush(sha) {
      git(work, "reset", "-q", "--hard", sha);
      git(work, "push", "-q", "--force", "origin", "main");
    },
    git,
    head: () => git(work, "rev-parse", "HEAD"),
    async served(path = "/version.txt") {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
        return res.ok ? (await res.text()).trim() : undefined;
      } catch {
        return undefined;
      }
    },
    containerId: () =>
      docker(
        "ps",
        "-q",
        "--no-trunc",
        "--filter",
        `label=com.docker.compose.project=${project}`,
        "--filter",
        "label=com.docker.compose.service=web",
      ),
    destroy() {
      try {
        const [cmd, ...args] = compose.argv;
        execFileSync(
          cmd,
          [...args, "-f", "docker-compose.prod.yml", "-p", project, "down", "--rmi", "all", "-v", "--remove-orphans"],
          { cwd: checkout, stdio: "ignore", timeout: 120_000 },
        );
      } catch {}
      // `down --rmi` leaves the deployer-<sha> tags of the app's image: remove every tag of it.
      try {
        const tags = docker(
          "images",
          "--format",
          "{{.Repository}}:{{.Tag}}",
          defaultImageName(compose, project, "web"),
        );
        // --no-prune: the parents are build cache that another test's build may be using right now.
        if (tags) docker("rmi", "-f", "--no-prune", ...tags.split("\n"));
      } catch {}
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The test app's Dockerfile; `extra` goes before the version is copied, `after` after it (re-run on every version). */
export function dockerfile(extra = "", after = ""): string {
  return `FROM scratch
COPY busybox /bin/busybox
${extra}COPY version.txt /www/version.txt
${after}ENTRYPOINT ["/bin/busybox"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`;
}
