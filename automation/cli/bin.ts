import { main } from "./main";
import { errorMessage } from "../../contracts/text";

// The process entry point: the only place that ends the process. It exits as soon as main
// returns: a run that stopped waiting (a second Ctrl-C) may leave a Pulumi CLI and an inline
// program's server running, and exiting is what stops them (the Automation API sends its
// CLI SIGTERM when this process exits).
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
