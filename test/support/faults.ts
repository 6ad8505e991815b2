/**
 * A thin, test-only SDK middleware that fails chosen operations the way AWS does —
 * throttling, 5xx, timeouts — and counts every attempt. It sits below the SDK's retry
 * middleware, so each retry meets it again: "throttled twice then fine" proves the retry
 * path, "always 503" proves the error an operator finally sees.
 */
import type { MiddlewareStack } from "@smithy/types";

export type FaultKind = "throttle" | "server" | "timeout";

export interface FaultRule {
  /** Operation name without "Command": `DescribeDBInstances`, `CopyObject`. */
  operation: string;
  kind: FaultKind;
  /** How many attempts fail before the operation is let through; `Infinity` for always. */
  times: number;
}

export class FaultInjector {
  private readonly rules: Array<FaultRule & { remaining: number }> = [];
  /** Attempts per operation, including failed ones and retries. */
  readonly attempts = new Map<string, number>();

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, remaining: rule.times });
    return this;
  }

  clear(): void {
    this.rules.length = 0;
    this.attempts.clear();
  }

  count(operation: string): number {
    return this.attempts.get(operation) ?? 0;
  }

  total(): number {
    return [...this.attempts.values()].reduce((a, b) => a + b, 0);
  }

  /** Pass as `middleware` to createAwsClients. */
  readonly middleware = (stack: MiddlewareStack<any, any>): void => {
    stack.add(
      (next: any, context: any) => async (args: any) => {
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
        const rule = this.rules.find((r) => r.operation === operation && r.remaining > 0);
        if (rule) {
          rule.remaining -= 1;
          throw faultError(rule.kind, operation);
        }
        return next(args);
      },
      { step: "deserialize", name: "gametrackerFaultInjection", priority: "low" },
    );
  };
}

function faultError(kind: FaultKind, operation: string): Error {
  switch (kind) {
    case "throttle":
      return Object.assign(new Error(`Rate exceeded (injected on ${operation})`), {
        name: "ThrottlingException",
        $fault: "client",
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
    case "server":
      return Object.assign(new Error(`Service Unavailable (injected on ${operation})`), {
        name: "ServiceUnavailable",
        $fault: "server",
        $metadata: { httpStatusCode: 503, attempts: 1 },
      });
    case "timeout":
      return Object.assign(new Error(`socket timed out (injected on ${operation})`), { name: "TimeoutError", code: "ETIMEDOUT" });
  }
}
