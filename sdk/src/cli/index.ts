/** Entry of the `cascade` bin: runs the CLI on process.argv and exits with its code. */
import { runCli } from "./main.js";

process.exitCode = await runCli(process.argv.slice(2));
