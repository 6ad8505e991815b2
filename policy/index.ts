/**
 * The GameTracker guardrails as a CrossGuard policy pack:
 * `pulumi preview --policy-pack policy` (from the repository root). Importing this file
 * starts the analyzer server, so tests import ./pack instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./pack";

new PolicyPack(PACK_NAME, {
  description: "Backups that can't be switched off by accident, no public data, no plaintext secrets (GameTracker DR).",
  enforcementLevel: "mandatory",
  policies,
});
