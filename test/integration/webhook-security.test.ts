import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HTTP_TIMEOUTS } from "../../src/server/app.js";
import { signedPush } from "../helpers/forges.js";
import { type InProcess, inProcessServer, SECRET } from "../helpers/runtime.js";
import { CLI } from "../helpers/server.js";

const SHA = "1234567890abcdef1234567890abcdef12345678";
const shop = (extra: Record<string, unknown> = {}) => ({ repo: "acme/shop", path: "/tmp/x", branch: "main", ...extra });
let h: InProcess | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

const push = (secret: string, fullName = "acme/shop") =>
  signedPush("github", { fullName, ref: "refs/heads/main", after: SHA }, secret);
const post = (req: { headers: Record<string, string>; body: string | Buffer }) =>
  (h as InProcess).app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });

/** Opens a raw connection and sends `head` (request line and headers) without finishing the body. */
async function rawRequest(port: number, head: string): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  await new Promise((r) => socket.once("connect", r));
  let data = "";
  const answer = new Promise<string>((resolve) => {
    socket.on("data", (c) => {
      data += c;
      if (data.includes("\r\n\r\n")) resolve(data);
    });
    socket.on("close", () => resolve(data));
    socket.on("error", () => resolve(data));
  });
  socket.write(head);
  return { socket, answer };
}
const listen = async () => {
  await (h as InProcess).app.listen({ host: "127.0.0.1", port: 0 });
  const addr = (h as InProcess).app.server.address();
  return typeof addr === "object" && addr ? addr.port : 0;
};

describe("webhook secrets (issue 8)", () => {
  it("per-app secret: a push signed with another app's (or the global) secret cannot deploy the app", async () => {
    h = await inProcessServer({
      apps: {
        shop: shop({ secret: "shop-secret" }),
        blog: { repo: "acme/blog", path: "/tmp/y", branch: "main", secret: "blog-secret" },
      },
    });
    expect((await post(push("blog-secret"))).statusCode).toBe(401);
    expect((await post(push(SECRET))).statusCode).toBe(401);
    expect((await post(push("shop-secret"))).statusCode).toBe(202);
    expect((await post(push("blog-secret", "acme/blog"))).statusCode).toBe(202);
  });

  it("secrets: [new, old] accepts both during a rotation, and nothing else", async () => {
    h = await inProcessServer({ apps: { shop: shop({ secrets: ["new-secret", "old-secret"] }) } });
    expect((await post(push("new-secret"))).statusCode).toBe(202);
    expect((await post(push("old-secret"))).statusCode).toBe(202);
    expect((await post(push("older-secret"))).statusCode).toBe(401);
  });

  it("the HMAC covers the raw body bytes: a signed body with invalid UTF-8 is accepted, one flipped byte is not", async () => {
    h = await inProcessServer({ apps: { shop: shop() } });
    const { headers, body } = push(SECRET);
    // A byte that is not valid UTF-8 inside a JSON string: decoding first would change what is hashed.
    const bytes = Buffer.from(body.replace('"ref":', '"x":"\u0001","ref":'));
    bytes[bytes.indexOf(0x01)] = 0xff;
    const sig = `sha256=${createHmac("sha256", SECRET).update(bytes).digest("hex")}`;
    const ok = await post({ headers: { ...headers, "x-hub-signature-256": sig }, body: bytes });
    expect(ok.statusCode, ok.body).toBe(202);
    const tampered = Buffer.from(bytes);
    const at = tampered.length - 2;
    tampered.writeUInt8(tampered.readUInt8(at) ^ 1, at);
    expect((await post({ headers: { ...headers, "x-hub-signature-256": sig }, body: tampered })).statusCode).toBe(401);
  });
});

describe("slow and heavy clients (issue 8)", () => {
  it("sets request, header and keep-alive timeouts suited to GitHub's 10 s", async () => {
    h = await inProcessServer({ apps: {} });
    const server = h.app.server;
    expect(server.requestTimeout).toBe(HTTP_TIMEOUTS.requestTimeout);
    expect(server.headersTimeout).toBe(HTTP_TIMEOUTS.headersTimeout);
    expect(server.keepAliveTimeout).toBe(HTTP_TIMEOUTS.keepAliveTimeout);
    expect(HTTP_TIMEOUTS.requestTimeout).toBeLessThanOrEqual(10_000);
  });

  it("rejects a missing or malformed signature before reading the body", async () => {
    h = await inProcessServer({ apps: { shop: shop() } });
    const port = await listen();
    for (const sig of ["", "x-hub-signature-256: sha256=nothex\r\n"]) {
      const head = `POST /webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-github-event: push\r\n${sig}content-length: 1000000\r\n\r\n{`;
      const { answer } = await rawRequest(port, head);
      // The body never comes: the answer must not wait for it.
      const text = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r("timeout"), 3000))]);
      expect(text).toMatch(/^HTTP\/1.1 401/);
    }
  });

  it("rate-limits failed signature checks per address (429)", async () => {
    h = await inProcessServer({ apps: { shop: shop() } }, { webhook: { maxSignatureFailures: 3 } });
    for (let i = 0; i < 3; i++) expect((await post(push("wrong"))).statusCode).toBe(401);
    expect((await post(push("wrong"))).statusCode).toBe(429);
    // Even a correct delivery from that address waits for the window to end.
    expect((await post(push(SECRET))).statusCode).toBe(429);
  });

  it("bounds the webhook bodies read at once: beyond the bound, 429 before reading", async () => {
    h = await inProcessServer({ apps: { shop: shop() } }, { webhook: { maxBodies: 4 } });
    const port = await listen();
    const sig = `sha256=${"0".repeat(64)}`;
    const head = `POST /webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-github-event: push\r\nx-hub-signature-256: ${sig}\r\ncontent-length: ${25 * 1024 * 1024}\r\n\r\n{"a":`;
    const slow = [];
    for (let i = 0; i < 4; i++) slow.push(await rawRequest(port, head));
    await new Promise((r) => setTimeout(r, 200));
    const extra = await rawRequest(port, head);
    const text = await Promise.race([extra.answer, new Promise<string>((r) => setTimeout(() => r("timeout"), 3000))]);
    expect(text).toMatch(/^HTTP\/1.1 429/);
    // Once the slow bodies are gone, deliveries are read again.
    for (const s of slow) s.socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await post(push(SECRET))).statusCode).toBe(202);
  });
});

describe("--allow-unsigned (issue 8)", () => {
  it("refuses to start unless the server listens on loopback", () => {
    const dir = mkdtempSync(join(tmpdir(), "f10-unsigned-"));
    try {
      writeFileSync(join(dir, "deployer.yml"), "logFile: null\napps: {}\n");
      const r = spawnSync(process.execPath, [CLI, "serve", "--allow-unsigned", "--host", "0.0.0.0", "--port", "0"], {
        cwd: dir,
        encoding: "utf8",
        timeout: 20_000,
        env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", DEPLOYER_CONFIG: "" },
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr + r.stdout).toMatch(/--allow-unsigned is only allowed on a loopback address/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
