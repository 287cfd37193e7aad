import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registryImage, registryRepository, stackFile } from "../../../src/pipeline/stack-file.js";

// What Compose v1's `config` prints for a swarm app (the .env applied, paths absolute).
const V1 = `services:
  web:
    build:
      context: /srv/shop/web
    deploy:
      update_config:
        failure_action: rollback
        order: start-first
    ports:
    - mode: host
      published: 8080
      target: 8080
  cache:
    image: redis:7
version: '3.8'
`;

describe("registry images", () => {
  it("are <registry>/<project>-<service>:<sha>, lowercase", () => {
    expect(registryImage("r.example.com:5000", "shop", "Web", "abc123")).toBe("r.example.com:5000/shop-web:abc123");
    expect(registryRepository("127.0.0.1:5000/team", "shop", "api")).toBe("127.0.0.1:5000/team/shop-api");
  });
});

describe("the stack file", () => {
  it("runs each built service's pushed image instead of building it, and keeps everything else", () => {
    const { yaml, images } = stackFile(V1, { web: "r:5000/shop-web:abc" });
    expect(images).toEqual({ web: "r:5000/shop-web:abc", cache: "redis:7" });
    const doc = parse(yaml);
    expect(doc.services.web.image).toBe("r:5000/shop-web:abc");
    expect(doc.services.web.build).toBeUndefined();
    expect(doc.services.web.deploy).toEqual({ update_config: { failure_action: "rollback", order: "start-first" } });
    expect(doc.services.web.ports).toEqual([{ mode: "host", published: 8080, target: 8080 }]);
    expect(doc.services.cache).toEqual({ image: "redis:7" });
    expect(doc.version).toBe("3.8");
  });

  it("drops v2's top-level project name and makes its string ports numbers", () => {
    const v2 = `name: shop\nservices:\n  web:\n    image: shop-web\n    ports:\n    - mode: host\n      target: 8080\n      published: "8080"\n      protocol: tcp\n`;
    const doc = parse(stackFile(v2, {}).yaml);
    expect(doc.name).toBeUndefined();
    expect(doc.services.web.ports).toEqual([{ mode: "host", target: 8080, published: 8080, protocol: "tcp" }]);
  });

  it("refuses a version 2 compose file, which docker stack deploy cannot read", () => {
    expect(() => stackFile("version: '2.4'\nservices:\n  web: { image: x }\n", {})).toThrow(
      /needs a version 3 compose file .* version 2.4/,
    );
  });

  it("refuses a service with neither image nor a pushed build", () => {
    expect(() => stackFile("services:\n  web:\n    build: { context: /x }\n", {})).toThrow(/web has neither image/);
  });
});
