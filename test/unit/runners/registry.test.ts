import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryUnreachable } from "../../../src/runners/registry.js";
import { freePort } from "../../helpers/app-fixture.js";

describe("registry reachability", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // A registry that wants a login answers /v2/ with 401: it is there all the same.
    server = createServer((_req, res) => {
      res.statusCode = 401;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("counts any answer of /v2/ below 500, over http when https fails", async () => {
    expect(await registryUnreachable(`127.0.0.1:${port}`, 2000)).toBeUndefined();
    expect(await registryUnreachable(`127.0.0.1:${port}/team`, 2000)).toBeUndefined();
  });

  it("says why neither https nor http answered", async () => {
    const closed = await freePort();
    expect(await registryUnreachable(`127.0.0.1:${closed}`, 2000)).toMatch(/^https: .*; http: .*ECONNREFUSED/);
  });
});
