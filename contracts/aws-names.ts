/**
 * The AWS naming rules checked before any call, in one place, with one case policy:
 *
 * - RDS treats DB instance and snapshot identifiers case-insensitively and stores them
 *   lowercase. A name that goes through Pulumi (config, component arguments) must
 *   already be lowercase: the AWS provider refuses uppercase identifiers, and a mixed-case
 *   name would come back lowercased and show as a change on every preview.
 * - A name typed on the command line (`--db-instance`, `--target-id`, `--name`,
 *   `snapshot:<id>`) may use either case; it is lowercased (`normalizeRdsIdentifier`)
 *   before it is compared, stored or sent, as RDS itself would.
 * - S3 bucket names are lowercase only, everywhere.
 *
 * Each function answers why a name is invalid (a clause for the caller's sentence), or
 * undefined when it is valid. Pure.
 */

export type CasePolicy = "lowercase" | "any-case";

/** RDS's limits: DB instance identifiers 63 characters, DB snapshot identifiers 255. */
export const MAX_INSTANCE_IDENTIFIER_LENGTH = 63;
export const MAX_SNAPSHOT_IDENTIFIER_LENGTH = 255;

/** The rule in words, for error sentences. */
export function rdsIdentifierRule(maxLength: number, casePolicy: CasePolicy): string {
  const letters = casePolicy === "lowercase" ? "lowercase letters" : "letters";
  return `1 to ${maxLength} ${letters}, digits or hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen`;
}

/** Why `id` can't be an RDS DB instance or snapshot identifier, or undefined. */
export function rdsIdentifierProblem(id: string, maxLength: number, casePolicy: CasePolicy): string | undefined {
  if (id.length === 0) return "it is empty";
  if (id.length > maxLength) return `it is ${id.length} characters long (at most ${maxLength})`;
  const allowed = casePolicy === "lowercase" ? /[^a-z0-9-]/ : /[^A-Za-z0-9-]/;
  const bad = allowed.exec(id);
  if (bad) return `it contains "${bad[0]}" (only ${casePolicy === "lowercase" ? "lowercase letters" : "letters"}, digits and hyphens are allowed)`;
  if (!/^[A-Za-z]/.test(id)) return "it must start with a letter";
  if (id.includes("--")) return "it contains two consecutive hyphens";
  if (id.endsWith("-")) return "it ends with a hyphen";
  return undefined;
}

/** Why `id` can't be a DB instance identifier. */
export function instanceIdentifierProblem(id: string, casePolicy: CasePolicy): string | undefined {
  return rdsIdentifierProblem(id, MAX_INSTANCE_IDENTIFIER_LENGTH, casePolicy);
}

/** Why `id` can't be a DB snapshot identifier. */
export function snapshotIdentifierProblem(id: string, casePolicy: CasePolicy): string | undefined {
  return rdsIdentifierProblem(id, MAX_SNAPSHOT_IDENTIFIER_LENGTH, casePolicy);
}

/** RDS's own form of an identifier typed in any case. */
export function normalizeRdsIdentifier(id: string): string {
  return id.toLowerCase();
}

export const BUCKET_NAME_RULE =
  "3 to 63 lowercase letters, digits, hyphens or dots, starting and ending with a letter or digit, with no two adjacent dots, not shaped like an IP address and without the prefixes xn--, sthree-, amzn-s3-demo- or the suffixes -s3alias, --ol-s3, .mrap, --x-s3, --table-s3";

/** Why `name` can't be an S3 general purpose bucket name, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `it is ${name.length} characters long (3 to 63 allowed)`;
  const bad = /[^a-z0-9.-]/.exec(name);
  if (bad) return `it contains "${bad[0]}" (only lowercase letters, digits, hyphens and dots are allowed)`;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "it does not start and end with a letter or digit";
  if (name.includes("..")) return "it has two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "it is shaped like an IP address";
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
  if (prefix) return `it starts with the reserved prefix ${prefix}`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => name.endsWith(s));
  if (suffix) return `it ends with the reserved suffix ${suffix}`;
  return undefined;
}

/** Why `name` can't be an RDS DB instance class (`db.<family>.<size>`, e.g. db.t3.micro, db.m6i.large, db.r5d.xlarge), or undefined. */
export function instanceClassProblem(name: string): string | undefined {
  return /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(name) ? undefined : "it is not of the form db.<family>.<size>";
}

/** Why `name` can't be an AWS region name (`us-west-2`, `eu-central-1`, `ap-southeast-2`), or undefined. */
export function regionNameProblem(name: string): string | undefined {
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(name) ? undefined : "it is not an AWS region name such as us-west-2";
}

/** The parts of an RDS ARN (`arn:aws:rds:us-west-2:123456789012:snapshot:name`), or undefined when `text` is not one. Pure. */
export function parseRdsArn(text: string): { partition: string; region: string; account: string; resourceType: string; name: string } | undefined {
  const m = /^arn:(aws[a-z-]*):rds:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(text);
  return m ? { partition: m[1]!, region: m[2]!, account: m[3]!, resourceType: m[4]!, name: m[5]! } : undefined;
}

/** The parts of a KMS ARN (`arn:aws:kms:us-west-2:123456789012:key/<id>` or `…:alias/<name>`), or undefined when `text` is not one. Pure. */
export function parseKmsArn(text: string): { partition: string; region: string; account: string; resourceType: "key" | "alias"; id: string } | undefined {
  const m = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/.exec(text);
  return m ? { partition: m[1]!, region: m[2]!, account: m[3]!, resourceType: m[4] as "key" | "alias", id: m[5]! } : undefined;
}

/**
 * Why `text` is not a KMS key ARN, or undefined. KMS takes a key by id, alias name, alias
 * ARN or key ARN, but RDS reports the key it used by its key ARN: any other form differs
 * from what the provider reads back, and for a ForceNew `kmsKeyId` that difference is a
 * replacement planned on every preview.
 */
export function kmsKeyArnProblem(text: string): string | undefined {
  const arn = parseKmsArn(text);
  if (arn?.resourceType === "key") return undefined;
  if (arn?.resourceType === "alias") return "it is an alias ARN";
  if (text.startsWith("alias/")) return "it is an alias";
  if (/^(mrk-)?[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) return "it is a bare key id";
  return "it is not a KMS key ARN";
}

/**
 * The Lambda API's Runtime values (its model's enum, which the provider validates `runtime`
 * against); test/unit/contracts/aws-names.test.ts keeps this list equal to the SDK's.
 */
export const LAMBDA_RUNTIMES: readonly string[] = [
  "dotnet10", "dotnet6", "dotnet8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "go1.x",
  "java11", "java11.al2023", "java17", "java17.al2023", "java21", "java25", "java8", "java8.al2", "java8.al2023",
  "nodejs", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "nodejs26.x",
  "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "provided", "provided.al2", "provided.al2023",
  "python2.7", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.15", "python3.6", "python3.7", "python3.8", "python3.9",
  "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0",
];

/** Lambda's limit on a function's handler (CreateFunction Handler, 128 characters). */
export const MAX_LAMBDA_HANDLER_LENGTH = 128;

/** Why `runtime` is not a Lambda runtime identifier, or undefined. */
export function lambdaRuntimeProblem(runtime: string): string | undefined {
  return LAMBDA_RUNTIMES.includes(runtime) ? undefined : "it is not one of the Lambda API's runtime identifiers, such as java21, java17 or provided.al2023";
}
