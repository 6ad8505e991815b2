/**
 * The tags the guardrails key on. The components set them; the rules read them. The
 * environment-program test (test/unit/policy-environment.test.ts) fails if the two
 * sides ever disagree, because a drill restore would then be held to the primary's
 * deletion rules.
 *
 * Only the resource's own `tags` count, never `tagsAll`: a tag that waives a rule must
 * be asked for by the resource itself, not arrive through a provider's default tags
 * (which would tag every resource of the stack at once), and `tagsAll` is often not
 * known until the provider has run.
 */
import { isUnknown, Props } from "./values";

/** Set on an instance restored by a drill; its value is the drill id. */
export const DRILL_ID_TAG = "gametracker:drill-id";
/** Marks the bucket whose objects are the game's assets (character images). */
export const ROLE_TAG = "gametracker:role";
export const ASSETS_ROLE = "assets";

/** The value of one of the resource's own tags: usually a string, undefined when absent, an Unknown during preview. */
export function tagValue(props: Props, key: string): unknown {
  const tags = props["tags"];
  if (isUnknown(tags)) return tags;
  if (tags === null || typeof tags !== "object") return undefined;
  return (tags as Record<string, unknown>)[key];
}
