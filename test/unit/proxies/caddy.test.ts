import { describe, expect, it } from "vitest";
import { caddyServer } from "../../../src/proxies/caddy.js";

describe("caddy proxy", () => {
  it("owns one server per app: its listen address, one route with an @id, plain HTTP", () => {
    expect(caddyServer("shop", "127.0.0.1:49153", "127.0.0.1:8080")).toEqual({
      listen: ["127.0.0.1:8080"],
      automatic_https: { disable: true },
      routes: [
        {
          "@id": "deployer-shop",
          handle: [
            {
              handler: "reverse_proxy",
              upstreams: [{ dial: "127.0.0.1:49153" }],
              headers: { response: { set: { "x-deployer-upstream": ["{http.reverse_proxy.upstream.hostport}"] } } },
            },
          ],
        },
      ],
    });
  });
});
