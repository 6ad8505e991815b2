import { main } from "./main";
import { errorMessage } from "../errors";

// The process entry point: the only place that touches process.exitCode.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
