import { CommandContext, GlobalArgs } from "../cli/context";

/** With --verbose, Pulumi's own output lines go to stderr as progress lines; without it, nowhere. */
export function verbosePulumiOutput(args: GlobalArgs, ctx: CommandContext): { onPulumiOutput?: (line: string) => void } {
  return args.verbose ? { onPulumiOutput: (line: string) => ctx.output.progress(line.replace(/\n$/, "")) } : {};
}
