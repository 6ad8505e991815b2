/**
 * TEST DOUBLE: IAM role, role policy attachment and inline role policy, as
 * terraform-provider-aws internal/service/iam/role*.go apply them. IAM returns policy
 * documents URL-encoded; the provider decodes them (url.QueryUnescape) before storing.
 * Deleting a role does not detach its policies unless forceDetachPolicies is set: the
 * engine deletes the attachments first, and AWS refuses otherwise (DeleteConflict).
 */
import { randomInt } from "node:crypto";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import type { Props } from "../../protocol/wire";
import { readOrGone } from "../clients";
import { ResourceHandler, defined, tagList, tagMap } from "./types";

export function decodePolicy(document: string | undefined): string | undefined {
  if (document === undefined) return undefined;
  return document.trimStart().startsWith("%") ? decodeURIComponent(document) : document;
}

const text = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p));

/** id.PrefixedUniqueId: the prefix, a UTC timestamp and a counter (internal/create/id.go). */
export function prefixedUniqueId(prefix: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 17);
  return `${prefix}${ts}${String(randomInt(0, 1e9)).padStart(9, "0")}`;
}

export const role: ResourceHandler = {
  async create(ctx, inputs) {
    const name = inputs.name as string;
    await ctx.clients.iam.send(
      new CreateRoleCommand(
        defined({
          RoleName: name,
          Path: inputs.path as string,
          AssumeRolePolicyDocument: text(inputs.assumeRolePolicy),
          Description: inputs.description as string,
          MaxSessionDuration: inputs.maxSessionDuration as number,
          PermissionsBoundary: inputs.permissionsBoundary as string,
          Tags: tagList(inputs.tags).length > 0 ? tagList(inputs.tags) : undefined,
        }),
      ),
    );
    return (await this.read(ctx, name, inputs))!;
  },
  async read(ctx, id, state) {
    const { iam } = ctx.clients;
    const r = (await readOrGone(() => iam.send(new GetRoleCommand({ RoleName: id }))))?.Role;
    if (r === undefined) return undefined;
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: id }));
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: id }));
    const inlinePolicies = [];
    for (const policyName of inline.PolicyNames ?? []) {
      const p = await iam.send(new GetRolePolicyCommand({ RoleName: id, PolicyName: policyName }));
      inlinePolicies.push({ name: policyName, policy: decodePolicy(p.PolicyDocument) });
    }
    const tags = tagMap(r.Tags);
    return {
      id,
      state: {
        ...state,
        arn: r.Arn,
        name: r.RoleName,
        namePrefix: "",
        path: r.Path,
        assumeRolePolicy: decodePolicy(r.AssumeRolePolicyDocument),
        description: r.Description ?? "",
        maxSessionDuration: r.MaxSessionDuration ?? 3600,
        permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn ?? "",
        createDate: r.CreateDate ? new Date(r.CreateDate).toISOString().replace(/\.\d{3}Z$/, "Z") : "",
        uniqueId: r.RoleId,
        managedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
        inlinePolicies,
        tags,
        tagsAll: tags,
      },
    };
  },
  async update(ctx, id, olds, news, changed) {
    const { iam } = ctx.clients;
    if (changed.has("assumeRolePolicy")) await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: id, PolicyDocument: text(news.assumeRolePolicy) }));
    if (changed.has("description") || changed.has("maxSessionDuration")) {
      await iam.send(new UpdateRoleCommand(defined({ RoleName: id, Description: (news.description as string) ?? "", MaxSessionDuration: news.maxSessionDuration as number })));
    }
    if (changed.has("tags")) {
      const before = (olds.tags ?? {}) as Record<string, string>;
      const after = (news.tags ?? {}) as Record<string, string>;
      const removed = Object.keys(before).filter((k) => !(k in after));
      if (removed.length > 0) await iam.send(new UntagRoleCommand({ RoleName: id, TagKeys: removed }));
      if (tagList(after).length > 0) await iam.send(new TagRoleCommand({ RoleName: id, Tags: tagList(after) }));
    }
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id, state) {
    const { iam } = ctx.clients;
    if (state.forceDetachPolicies === true) {
      for (const p of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: id }))).AttachedPolicies ?? []) await iam.send(new DetachRolePolicyCommand({ RoleName: id, PolicyArn: p.PolicyArn! }));
      for (const p of (await iam.send(new ListRolePoliciesCommand({ RoleName: id }))).PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: id, PolicyName: p }));
    }
    await readOrGone(() => iam.send(new DeleteRoleCommand({ RoleName: id })));
  },
};

export const rolePolicyAttachment: ResourceHandler = {
  async create(ctx, inputs) {
    await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: inputs.role as string, PolicyArn: inputs.policyArn as string }));
    const id = prefixedUniqueId(`${String(inputs.role)}-`);
    return (await this.read(ctx, id, inputs))!;
  },
  async read(ctx, id, state) {
    const attached = await readOrGone(() => ctx.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: state.role as string })));
    if (!(attached?.AttachedPolicies ?? []).some((p) => p.PolicyArn === state.policyArn)) return undefined;
    return { id, state: { ...state } };
  },
  async update(_ctx, _id, _olds, news) {
    // Both arguments are ForceNew: an "update" changes nothing at AWS.
    return news;
  },
  async delete(ctx, _id, state) {
    await readOrGone(() => ctx.clients.iam.send(new DetachRolePolicyCommand({ RoleName: state.role as string, PolicyArn: state.policyArn as string })));
  },
};

export const rolePolicy: ResourceHandler = {
  async create(ctx, inputs) {
    await ctx.clients.iam.send(new PutRolePolicyCommand({ RoleName: inputs.role as string, PolicyName: inputs.name as string, PolicyDocument: text(inputs.policy) }));
    return (await this.read(ctx, `${String(inputs.role)}:${String(inputs.name)}`, inputs))!;
  },
  async read(ctx, id, state) {
    const [roleName, policyName] = splitRolePolicyId(id);
    const p = await readOrGone(() => ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })));
    if (p === undefined) return undefined;
    return { id, state: { ...state, role: p.RoleName, name: p.PolicyName, namePrefix: "", policy: decodePolicy(p.PolicyDocument) } as Props };
  },
  async update(ctx, id, _olds, news) {
    await ctx.clients.iam.send(new PutRolePolicyCommand({ RoleName: news.role as string, PolicyName: news.name as string, PolicyDocument: text(news.policy) }));
    return (await this.read(ctx, id, news))!.state;
  },
  async delete(ctx, id) {
    const [roleName, policyName] = splitRolePolicyId(id);
    await readOrGone(() => ctx.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })));
  },
};

function splitRolePolicyId(id: string): [string, string] {
  const i = id.indexOf(":");
  if (i < 0) throw new Error(`role policy id ${id} is not <role>:<name>`);
  return [id.slice(0, i), id.slice(i + 1)];
}
