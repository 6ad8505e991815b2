import { expect } from "chai";
import type { RetryErrorInfo } from "@smithy/types";
import { idleBoundOf, isLongWait, isTimeoutError, LONG_WAIT_IDLE_MS, socketTimeoutSetting, TIMEOUT_ATTEMPTS, TimeoutBudgetRetryStrategy } from "../../../automation/aws/bounded-http";

describe("bounded AWS requests (bounded-http.ts)", () => {
  it("gives the long idle bound only to the requests AWS may hold silently for minutes", () => {
    const request = (method: string, path: string, headers: Record<string, string> = {}, query: Record<string, unknown> = {}) => ({ method, path, headers, query });
    // CopyObject and UploadPartCopy carry x-amz-copy-source; CompleteMultipartUpload is a POST with uploadId; a synchronous Invoke.
    expect(isLongWait(request("PUT", "/bucket/key", { "x-amz-copy-source": "bucket/old?versionId=1" }))).to.equal(true);
    expect(isLongWait(request("PUT", "/bucket/key", { "X-Amz-Copy-Source": "bucket/old" }, { partNumber: "2", uploadId: "u" }))).to.equal(true);
    expect(isLongWait(request("POST", "/bucket/key", {}, { uploadId: "u" }))).to.equal(true);
    expect(isLongWait(request("POST", "/2015-03-31/functions/gametracker-validate/invocations"))).to.equal(true);
    // Everything a command starts with: lists, reads, an UploadPart that streams its body, CreateMultipartUpload.
    expect(isLongWait(request("GET", "/bucket", {}, { versions: "" }))).to.equal(false);
    expect(isLongWait(request("POST", "/", { "content-type": "application/x-www-form-urlencoded" }))).to.equal(false);
    expect(isLongWait(request("PUT", "/bucket/key", {}, { partNumber: "1", uploadId: "u" }))).to.equal(false);
    expect(isLongWait(request("POST", "/bucket/key", {}, { uploads: "" }))).to.equal(false);
    expect(isLongWait(request("GET", "/2015-03-31/functions/gametracker-validate/configuration"))).to.equal(false);
  });

  it("retries a timeout at most 3 times in all; other transient errors as many times as the client allows", async () => {
    const strategy = new TimeoutBudgetRetryStrategy(5);
    const timeout = { errorType: "TRANSIENT", error: Object.assign(new Error("socket timed out"), { name: "TimeoutError", $metadata: {} }) } as RetryErrorInfo;
    let token = await strategy.acquireInitialRetryToken("");
    let attempts = 1;
    for (;;) {
      try {
        token = await strategy.refreshRetryTokenForRetry(token, timeout);
        attempts++;
      } catch {
        break;
      }
    }
    expect(attempts).to.equal(TIMEOUT_ATTEMPTS);

    // A 5xx or throttling goes on to the client's maxAttempts (test/emulator/clients.test.ts).
    const serverError = { errorType: "TRANSIENT", error: Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } }) } as RetryErrorInfo;
    const retried = await new TimeoutBudgetRetryStrategy(5, 1).refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(""), serverError);
    expect(retried.getRetryCount()).to.equal(1);
  });

  it("sets the socket timeout so that the silence waited is the timeout asked for (the handler defers its idle clock 3 s from 6 s on)", () => {
    expect(socketTimeoutSetting(1_000)).to.equal(1_000);
    expect(socketTimeoutSetting(5_999)).to.equal(5_999);
    expect(socketTimeoutSetting(15_000)).to.equal(12_000);
    expect(socketTimeoutSetting(9_000)).to.equal(6_000);
    expect(socketTimeoutSetting(7_000)).to.equal(5_999);
    expect(idleBoundOf({ method: "GET", path: "/b", headers: {} }, 15_000)).to.equal(15_000);
    expect(idleBoundOf({ method: "PUT", path: "/b/k", headers: { "x-amz-copy-source": "b/k" } }, 15_000)).to.equal(LONG_WAIT_IDLE_MS);
  });

  it("knows a timeout by the SDK's name for it or the socket's code", () => {
    expect(isTimeoutError(Object.assign(new Error("x"), { name: "TimeoutError" }))).to.equal(true);
    expect(isTimeoutError(Object.assign(new Error("x"), { code: "ETIMEDOUT" }))).to.equal(true);
    expect(isTimeoutError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).to.equal(false);
    expect(isTimeoutError("TimeoutError")).to.equal(false);
  });
});
