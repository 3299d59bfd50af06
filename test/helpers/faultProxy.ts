/**
 * An HTTP proxy in front of a Beacon API node or a JSON-RPC node that misbehaves on request
 * (fault-injection tests and the soak run): down (connections reset), slow (`slowMs` per answer),
 * malformed JSON, an earlier head slot, or another chain id.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type BeaconFault = "none" | "down" | "slow" | "malformed" | "earlierHead";

/** An HTTP proxy that forwards to `target` unless told to misbehave. */
export class FaultProxy {
  fault: BeaconFault | "wrongChain" = "none";
  /** For `earlierHead`: the head slot served. */
  earlierSlot = 0;
  /** For `slow`: how long each answer is held back (ms); keep it above the clients' timeout. */
  slowMs = 6000;
  private server?: Server;
  url = "";
  constructor(
    readonly target: string,
    readonly kind: "beacon" | "rpc",
  ) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  }

  /** Closes the listening socket and every open connection (the node is gone). */
  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (this.fault === "down") {
      req.socket.destroy();
      return;
    }
    if (this.fault === "slow") await new Promise((r) => setTimeout(r, this.slowMs));
    if (this.fault === "malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data": {"header": {"message": {"slot": "12", "proposer_index"');
      return;
    }
    let upstream: Response;
    try {
      upstream = await fetch(this.target + req.url, {
        method: req.method,
        headers: { "content-type": "application/json", accept: "application/json" },
        ...(req.method === "POST" ? { body } : {}),
      });
    } catch {
      req.socket.destroy();
      return;
    }
    let text = await upstream.text();
    if (this.fault === "earlierHead" && req.url?.startsWith("/eth/v1/beacon/headers/head")) {
      const j = JSON.parse(text);
      j.data.header.message.slot = String(this.earlierSlot);
      text = JSON.stringify(j);
    }
    if (this.fault === "wrongChain" && this.kind === "rpc") {
      const j = JSON.parse(text);
      const fix = (x: { id: unknown; result?: unknown }, m: string) =>
        m === "eth_chainId" ? { ...x, result: "0x1" } : x;
      const reqJ = JSON.parse(body.toString() || "{}");
      text = JSON.stringify(
        Array.isArray(j) ? j.map((x, i) => fix(x, reqJ[i]?.method)) : fix(j, reqJ.method),
      );
    }
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(text);
  }
}
