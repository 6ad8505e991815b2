/**
 * Thin wiring from the rules to CrossGuard. Every decision lives in the rule modules;
 * here props are turned into plain data and findings into reports. Kept apart from
 * index.ts, which starts the analyzer server on import, so tests can load the policies.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { lambdaRules } from "./lambda";
import { rdsRules } from "./rds";
import { ResourceRule, StackResourceView, StackRule } from "./rule";
import { s3Rules } from "./s3";
import { Props, RuleResult, toPlain, Unknown } from "./values";

export const PACK_NAME = "gametracker-guardrails";

export const resourceRules: ResourceRule[] = [...rdsRules, ...lambdaRules];
export const stackRules: StackRule[] = [...s3Rules];

/**
 * Reports what a rule could not decide. During preview we touch the first unknown value
 * again through the SDK's own proxy: it throws its UnknownValueError, which the SDK turns
 * into an advisory "can't run policy … during preview" note naming the value, while the
 * violations already reported stay mandatory. The rule runs again, fully, at `pulumi up`.
 */
function report(result: RuleResult, reportViolation: ReportViolation, proxiedProps: (u: Unknown) => unknown): void {
  for (const violation of result.violations) reportViolation(violation.message, violation.urn);
  const first = result.undecided[0];
  if (result.violations.length === 0 && first !== undefined) {
    // Reading the value is the point: the proxy throws on the unknown one.
    let value: unknown = proxiedProps(first);
    for (const key of first.path) value = (value as Record<string, unknown> | undefined)?.[key];
  }
}

export function toResourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    severity: rule.severity,
    remediationSteps: rule.remediation,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (args.type !== rule.resourceType) args.notApplicable(`applies to ${rule.resourceType} only`);
      const props = toPlain(args.props) as Props;
      report(rule.check(props), reportViolation, () => args.props);
    },
  };
}

export function toStackView(resource: PolicyResource): StackResourceView {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, dependencies] of Object.entries(resource.propertyDependencies ?? {})) {
    propertyDependencies[key] = dependencies.map((d) => d.urn);
  }
  return { urn: resource.urn, type: resource.type, name: resource.name, props: toPlain(resource.props) as Props, propertyDependencies };
}

export function toStackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    severity: rule.severity,
    remediationSteps: rule.remediation,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const views = args.resources.map(toStackView);
      // An Unknown from a stack rule sits in one resource's props: re-read it through that resource's proxy.
      report(rule.check(views), reportViolation, (unknown) => args.resources[views.findIndex((view) => containsUnknownAt(view.props, unknown))]?.props);
    },
  };
}

function containsUnknownAt(props: Props, unknown: Unknown): boolean {
  let value: unknown = props;
  for (const key of unknown.path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value === unknown;
}

export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  ...resourceRules.map(toResourcePolicy),
  ...stackRules.map(toStackPolicy),
];
