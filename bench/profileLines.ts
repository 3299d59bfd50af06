/**
 * BENCH_PROFILE_LINES="Accounting,StakingRouter": where inside a contract's own code a profiled
 * transaction's gas goes, per Solidity source line. Each step of the struct-logger trace that
 * runs in a frame whose code is the named contract's deployed bytecode is mapped through the
 * compiler's source map (build-info) to the line it came from; compiler-generated code (ABI
 * coding, checks) has no line of its own and is counted against the last source line seen
 * before it in that frame ("gen @ line"). Calls are left out (their cost is the callee's frame
 * plus the access, which the frame tree already shows).
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";

type Step = { depth: number; pc: number; op: string; gasCost: number; stack?: string[] };

interface Compiled {
  object: string; // deployed bytecode, hex without 0x
  pcToIndex: Map<number, number>;
  map: [number, number][]; // per instruction: source start offset, file index (−1: none)
}

const CALLS = /^(CALL|STATICCALL|DELEGATECALL|CALLCODE)$/;

function loadBuildInfo(root: string) {
  const dir = join(root, "artifacts", "build-info");
  const out = readdirSync(dir).find((f) => f.endsWith(".output.json"))!;
  const output = JSON.parse(readFileSync(join(dir, out), "utf8")).output;
  const input = JSON.parse(readFileSync(join(dir, out.replace(".output.json", ".json")), "utf8")).input;
  const files = new Map<number, { name: string; lines: string[]; starts: number[] }>();
  for (const [name, s] of Object.entries<any>(output.sources)) {
    const text: string = input.sources[name]?.content ?? "";
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
    files.set(s.id, { name, lines: text.split("\n"), starts });
  }
  return { output, files };
}

function compile(object: string, sourceMap: string): Compiled {
  const bytes = Buffer.from(object, "hex");
  const pcToIndex = new Map<number, number>();
  for (let pc = 0, i = 0; pc < bytes.length; i++) {
    pcToIndex.set(pc, i);
    const op = bytes[pc];
    pc += 1 + (op >= 0x60 && op <= 0x7f ? op - 0x5f : 0);
  }
  const map: [number, number][] = [];
  let prev = ["0", "0", "-1"];
  for (const entry of sourceMap.split(";")) {
    const cur = [...prev];
    entry.split(":").forEach((p, k) => {
      if (k < 3 && p !== "") cur[k] = p;
    });
    map.push([Number(cur[0]), Number(cur[2])]);
    prev = cur;
  }
  return { object, pcToIndex, map };
}

/** Prints the top lines of each named contract's own code in `steps` (see the file comment). */
export async function profileLines(
  steps: Step[],
  to: string,
  codeAt: (address: string) => Promise<string>,
  names: string[],
  root: string,
  top = 25,
): Promise<string[]> {
  const { output, files } = loadBuildInfo(root);
  const wanted = new Map<string, { name: string; c: Compiled }>();
  for (const cs of Object.values<any>(output.contracts))
    for (const [name, c] of Object.entries<any>(cs))
      if (names.includes(name)) {
        const d = c.evm.deployedBytecode;
        wanted.set(name, { name, c: compile(d.object, d.sourceMap) });
      }
  // Frame addresses by step (the callee of each CALL that entered a deeper frame).
  const frames: string[] = [to.toLowerCase()];
  const at: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    at.push(frames[frames.length - 1]);
    if (CALLS.test(s.op) && steps[i + 1]?.depth === s.depth + 1) {
      const st = s.stack!;
      frames.push(
        "0x" +
          BigInt(st[st.length - 2])
            .toString(16)
            .padStart(40, "0"),
      );
    } else if (steps[i + 1] && steps[i + 1].depth < s.depth) frames.pop();
  }
  // Which contract each address runs: same deployed length as the artifact (immutables differ).
  const owner = new Map<string, { name: string; c: Compiled } | undefined>();
  for (const a of new Set(at)) {
    const code = (await codeAt(a)).slice(2);
    owner.set(
      a,
      [...wanted.values()].find((w) => w.c.object.length === code.length),
    );
  }
  const lines: string[] = [];
  for (const w of wanted.values()) {
    const gas = new Map<string, [number, number]>();
    let last = "(entry)";
    let total = 0;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (owner.get(at[i]) !== w || CALLS.test(s.op)) continue;
      const ix = w.c.pcToIndex.get(s.pc);
      const [start, file] = ix === undefined ? [0, -1] : w.c.map[ix];
      const f = files.get(file);
      let key: string;
      if (f === undefined) key = `gen @ ${last}`;
      else {
        let lo = 0;
        let hi = f.starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (f.starts[mid] <= start) lo = mid;
          else hi = mid - 1;
        }
        key = `${basename(f.name)}:${lo + 1} ${f.lines[lo].trim().slice(0, 80)}`;
        last = key;
      }
      const e = gas.get(key) ?? [0, 0];
      gas.set(key, [e[0] + Number(s.gasCost), e[1] + 1]);
      total += Number(s.gasCost);
    }
    lines.push(`  ${w.name} own code by source line (${total.toLocaleString("en-US")} gas, calls left out):`);
    for (const [k, [g, n]] of [...gas.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, top))
      lines.push(`    ${g.toString().padStart(7)} ${n.toString().padStart(6)}×  ${k}`);
  }
  return lines;
}
