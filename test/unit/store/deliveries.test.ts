import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../../../src/store/db.js";
import { DELIVERY_RETENTION_MS, type DeliveryStore } from "../../../src/store/deliveries.js";
import { openMemoryStore } from "../../helpers/store.js";

let db: Db;
let deliveries: DeliveryStore;
beforeEach(() => {
  ({ db, deliveries } = openMemoryStore());
});
afterEach(() => {
  vi.useRealTimers();
  db.close();
});

describe("DeliveryStore", () => {
  it("records deliveries", () => {
    expect(deliveries.find("x")).toBeUndefined();
    deliveries.record("x", "push", null);
    expect(deliveries.find("x")).toEqual({ id: "x", deploymentId: null });
    expect(() => deliveries.record("x", "push", null)).toThrow();
  });

  it("purges deliveries older than 30 days and keeps newer ones", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    deliveries.record("old", "push", null);
    vi.setSystemTime(new Date(Date.parse("2026-01-01T00:00:00Z") + DELIVERY_RETENTION_MS - 1000));
    deliveries.record("new", "push", null);
    deliveries.purge();
    expect(deliveries.find("old")).toBeDefined();
    vi.setSystemTime(new Date(Date.parse("2026-01-01T00:00:00Z") + DELIVERY_RETENTION_MS + 1000));
    deliveries.purge();
    expect(deliveries.find("old")).toBeUndefined();
    expect(deliveries.find("new")).toEqual({ id: "new", deploymentId: null });
  });
});
