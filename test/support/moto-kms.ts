/**
 * KMS in moto, by KMS's JSON protocol by hand: the project has no KMS client and needs none
 * outside the tests. A key exists in one region only, as on AWS.
 */
async function kms(endpoint: string, region: string, target: string, body: object): Promise<Response> {
  return fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `TrentService.${target}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
}

/** A new key in `region`; its ARN. */
export async function createKmsKey(endpoint: string, region: string, description = "a test key"): Promise<string> {
  const response = await kms(endpoint, region, "CreateKey", { Description: description });
  if (!response.ok) throw new Error(`moto CreateKey: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
}

/** Whether a key ARN names a key that exists (DescribeKey in the ARN's own region). */
export function kmsKeyExists(endpoint: string): (arn: string) => Promise<boolean> {
  return async (arn) => {
    const region = arn.split(":")[3] ?? "us-east-1";
    return (await kms(endpoint, region, "DescribeKey", { KeyId: arn })).ok;
  };
}
