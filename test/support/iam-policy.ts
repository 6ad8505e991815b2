/**
 * TEST DOUBLE: IAM's evaluation of an identity policy, for the questions moto does not
 * answer (it stores policies and evaluates none): may this role do this action on this
 * resource? Follows the IAM User Guide's policy evaluation logic for one identity policy
 * set: an explicit Deny wins, else an Allow whose Action, Resource and Condition match,
 * else the implicit deny. Action and Resource match case-insensitively (actions) and with
 * the `*` and `?` wildcards; NotAction / NotResource are honoured. Conditions: the
 * String and Arn operators (Equals, NotEquals, Like, NotLike) and Bool, over the context
 * keys the caller passes; an operator it doesn't know, or a key the context lacks, does
 * not match (so a test never passes on a condition this double can't judge). Resource
 * policies, permission boundaries, SCPs and session policies are out of its scope.
 */
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";

export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Statement: PolicyStatement | PolicyStatement[];
}

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, caseInsensitive ? "i" : "").test(value);
}

function conditionHolds(operator: string, values: string[], actual: string | undefined): boolean {
  if (actual === undefined) return operator.startsWith("StringNot") || operator.startsWith("ArnNot");
  switch (operator) {
    case "StringEquals":
    case "ArnEquals":
      return values.includes(actual);
    case "StringNotEquals":
    case "ArnNotEquals":
      return !values.includes(actual);
    case "StringLike":
    case "ArnLike":
      return values.some((v) => wildcardMatch(v, actual));
    case "StringNotLike":
    case "ArnNotLike":
      return !values.some((v) => wildcardMatch(v, actual));
    case "Bool":
      return values.includes(actual);
    default:
      return false;
  }
}

function matches(statement: PolicyStatement, action: string, resource: string, context: Record<string, string>): boolean {
  const actionOk = statement.Action !== undefined ? list(statement.Action).some((a) => wildcardMatch(a, action, true)) : !list(statement.NotAction).some((a) => wildcardMatch(a, action, true));
  const resourceOk = statement.Resource !== undefined ? list(statement.Resource).some((r) => wildcardMatch(r, resource)) : !list(statement.NotResource).some((r) => wildcardMatch(r, resource));
  if (!actionOk || !resourceOk) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      if (!conditionHolds(operator, list(value as string | string[]).map(String), context[key])) return false;
    }
  }
  return true;
}

/** The decision of a set of identity policies for one request. */
export function evaluate(policies: PolicyDocument[], action: string, resource: string, context: Record<string, string> = {}): Decision {
  const statements = policies.flatMap((p) => list(p.Statement));
  if (statements.some((s) => s.Effect === "Deny" && matches(s, action, resource, context))) return "explicit-deny";
  return statements.some((s) => s.Effect === "Allow" && matches(s, action, resource, context)) ? "allow" : "implicit-deny";
}

/** Whether a role's trust policy lets `service` (e.g. s3.amazonaws.com) assume it. */
export function trusts(trustPolicy: PolicyDocument, service: string): boolean {
  return list(trustPolicy.Statement).some((s) => {
    if (s.Effect !== "Allow" || !list(s.Action).some((a) => wildcardMatch(a, "sts:AssumeRole", true))) return false;
    const principal = s.Principal as { Service?: string | string[] } | undefined;
    return list(principal?.Service).includes(service);
  });
}

export interface RolePolicies {
  roleName: string;
  trust: PolicyDocument;
  /** The role's inline policies (attached managed policies are not read: the roles under test have none). */
  policies: PolicyDocument[];
}

/** A role's trust policy and inline policies as IAM (moto) holds them, by role name or ARN. */
export async function readRole(iam: IAMClient, roleNameOrArn: string): Promise<RolePolicies> {
  const roleName = roleNameOrArn.replace(/^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?/, "");
  const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
  const policies: PolicyDocument[] = [];
  for (const name of names) {
    const document = (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }))).PolicyDocument!;
    policies.push(parseDocument(document));
  }
  return { roleName, trust: parseDocument(role.AssumeRolePolicyDocument!), policies };
}

/** IAM answers policy documents URL-encoded (RFC 3986); moto answers some as plain JSON. */
function parseDocument(text: string): PolicyDocument {
  return JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text)) as PolicyDocument;
}
