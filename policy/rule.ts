/**
 * A guardrail as data: its name and explanation, the resources it looks at, and a pure
 * decision. `pack.ts` turns these into CrossGuard policies; tests call `check` directly.
 */
import { Props, RuleResult } from "./values";

export type Severity = "low" | "medium" | "high" | "critical";

interface RuleInfo {
  /** The policy's name in `pulumi preview` output; unique within the pack. */
  name: string;
  /** What the rule demands and why, shown with every violation. */
  description: string;
  severity: Severity;
  /** What to change when the rule fails. */
  remediation: string;
}

/** Judges one resource of one type from its props. */
export interface ResourceRule extends RuleInfo {
  resourceType: string;
  check(props: Props): RuleResult;
}

/** One resource of the stack as a stack-level rule sees it. */
export interface StackResourceView {
  urn: string;
  type: string;
  name: string;
  props: Props;
  /**
   * For each input property, the URNs of the resources its value came from. This is how
   * a rule ties a `BucketVersioning` to its bucket while the bucket's name is still unknown.
   */
  propertyDependencies: Record<string, string[]>;
}

/** Judges relations between resources of the whole stack. */
export interface StackRule extends RuleInfo {
  check(resources: StackResourceView[]): RuleResult;
}
