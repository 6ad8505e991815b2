/**
 * Reading the tags the guardrails key on. The keys themselves are the project's one
 * vocabulary (contracts/tags.ts), which the components write and these rules read.
 *
 * Only the resource's own `tags` count, never `tagsAll`: a tag that waives a rule must
 * be asked for by the resource itself, not arrive through a provider's default tags
 * (which would tag every resource of the stack at once), and `tagsAll` is often not
 * known until the provider has run.
 */
import { isUnknown, Props } from "./values";

/** The value of one of the resource's own tags: usually a string, undefined when absent, an Unknown during preview. */
export function tagValue(props: Props, key: string): unknown {
  const tags = props["tags"];
  if (isUnknown(tags)) return tags;
  if (tags === null || typeof tags !== "object") return undefined;
  return (tags as Record<string, unknown>)[key];
}
