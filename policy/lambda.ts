/**
 * Guardrail for Lambda functions: no secret in an environment variable. Environment
 * variables are readable by anyone who can read the function's configuration and land
 * in the Pulumi state; a secret belongs in Secrets Manager (or SSM / KMS), and the
 * function gets its ARN. Violation messages name the variable, never its value.
 */
import { ResourceRule } from "./rule";
import { at, Findings, isUnknown, Props, RuleResult } from "./values";

export const LAMBDA_FUNCTION = "aws:lambda/function:Function";

/** Name fragments that say "this holds a secret". */
export const SUSPICIOUS_NAME_PARTS = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL"] as const;

/** An ARN of a place secrets are kept: Secrets Manager, SSM Parameter Store, KMS. */
const SECRET_STORE_ARN = /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):[a-z0-9-]*:\d{12}:\S+$/;

/** Secret material recognisable by its shape, whatever the variable is called. */
const SECRET_VALUE_SHAPES: Array<{ pattern: RegExp; what: string }> = [
  // JDBC / ADO.NET / URL query parameters: `;password=…`, `?pwd=…`, `&token=…`.
  { pattern: /(?<![a-z0-9])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\s*=/i, what: "an inline credential parameter" },
  // scheme://user:password@host
  { pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: "a password inside a URL" },
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: "an AWS access key id" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
];

export function suspiciousNamePart(name: string): string | undefined {
  const upper = name.toUpperCase();
  return SUSPICIOUS_NAME_PARTS.find((part) => upper.includes(part));
}

export function isSecretStoreArn(value: string): boolean {
  return SECRET_STORE_ARN.test(value.trim());
}

/** Why one environment variable looks like a plaintext secret, or undefined when it doesn't. */
export function secretVariableProblem(name: string, value: string): string | undefined {
  for (const shape of SECRET_VALUE_SHAPES) {
    if (shape.pattern.test(value)) return `its value contains ${shape.what}`;
  }
  const part = suspiciousNamePart(name);
  if (part !== undefined && value.trim() !== "" && !isSecretStoreArn(value)) {
    return `its name contains "${part}" and its value is not the ARN of a Secrets Manager secret, SSM parameter or KMS key`;
  }
  return undefined;
}

export function checkLambdaEnvironment(props: Props): RuleResult {
  const findings = new Findings();
  const variables = at(props, "environment", "variables");
  if (isUnknown(variables)) return findings.undecide(variables).result();
  if (variables === null || typeof variables !== "object") return findings.result();
  const fn = typeof props["name"] === "string" ? `Lambda function "${props["name"]}"` : "Lambda function";
  for (const [name, value] of Object.entries(variables as Record<string, unknown>)) {
    if (isUnknown(value)) {
      findings.undecide(value);
      continue;
    }
    if (typeof value !== "string") continue;
    const problem = secretVariableProblem(name, value);
    if (problem !== undefined) {
      findings.fail(`${fn} environment variable "${name}" looks like a plaintext secret: ${problem}; keep the secret in Secrets Manager and pass its ARN instead.`);
    }
  }
  return findings.result();
}

export const lambdaRules: ResourceRule[] = [
  {
    name: "lambda-no-plaintext-secrets",
    resourceType: LAMBDA_FUNCTION,
    severity: "critical",
    description:
      `Lambda environment variables hold no secret values: names containing ${SUSPICIOUS_NAME_PARTS.join("/")} must hold a Secrets Manager, SSM or KMS ARN, ` +
      "and no value may carry an inline password (password= in a JDBC URL, user:password@ in a URL), an AWS access key or a private key.",
    remediation: "Store the secret in Secrets Manager, pass its ARN in the variable, and read the secret at run time.",
    check: checkLambdaEnvironment,
  },
];
