import { describe, expect, it } from "vitest";
import { imageName, parseServices, parseTasks } from "../../../src/runners/swarm-parse.js";

describe("swarm inspect output", () => {
  it("names images as repository:tag, without the pinned digest", () => {
    expect(imageName("127.0.0.1:5000/shop-web:abc@sha256:0123")).toBe("127.0.0.1:5000/shop-web:abc");
    expect(imageName("redis")).toBe("redis:latest");
    expect(imageName("redis:7")).toBe("redis:7");
  });

  it("reads services: name, image, replicas (none for global), update status", () => {
    const json = JSON.stringify([
      {
        ID: "s1",
        Spec: {
          Name: "shop_web",
          Mode: { Replicated: { Replicas: 2 } },
          TaskTemplate: { ContainerSpec: { Image: "r:5000/shop-web:abc@sha256:ff" } },
        },
        UpdateStatus: { State: "rollback_completed", Message: "rollback completed" },
      },
      {
        ID: "s2",
        Spec: { Name: "shop_agent", Mode: { Global: {} }, TaskTemplate: { ContainerSpec: { Image: "agent:1" } } },
      },
    ]);
    expect(parseServices(json)).toEqual([
      {
        id: "s1",
        name: "shop_web",
        image: "r:5000/shop-web:abc",
        replicas: 2,
        update: { state: "rollback_completed", message: "rollback completed" },
      },
      { id: "s2", name: "shop_agent", image: "agent:1", replicas: undefined, update: undefined },
    ]);
  });

  it("reads tasks: service, slot, image, desired and current state, error", () => {
    const json = JSON.stringify([
      {
        ID: "t1",
        ServiceID: "s1",
        Slot: 1,
        DesiredState: "shutdown",
        Spec: { ContainerSpec: { Image: "r:5000/shop-web:new@sha256:aa" } },
        Status: { State: "failed", Err: "task: non-zero exit (1)" },
      },
      {
        ID: "t2",
        ServiceID: "s1",
        Slot: 1,
        DesiredState: "running",
        Spec: { ContainerSpec: { Image: "r:5000/shop-web:old@sha256:bb" } },
        Status: { State: "running", Err: "" },
      },
    ]);
    expect(parseTasks(json)).toEqual([
      {
        id: "t1",
        serviceId: "s1",
        slot: 1,
        image: "r:5000/shop-web:new",
        desired: "shutdown",
        state: "failed",
        err: "task: non-zero exit (1)",
      },
      {
        id: "t2",
        serviceId: "s1",
        slot: 1,
        image: "r:5000/shop-web:old",
        desired: "running",
        state: "running",
        err: undefined,
      },
    ]);
  });
});
