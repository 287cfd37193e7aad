import { zeroDowntimeSuite } from "../helpers/zero-downtime-suite.js";

// Zero-downtime deploys through a real Debian nginx, started on loopback ports, under load.
zeroDowntimeSuite("nginx");
