import { zeroDowntimeSuite } from "../helpers/zero-downtime-suite.js";

// Zero-downtime deploys through a real Debian caddy, started on loopback ports, under load.
zeroDowntimeSuite("caddy");
