/**
 * The tags every resource of an environment carries, so that a resource found in the
 * console (or by the `cleanup` command) says which environment and stack made it.
 * Passed explicitly to each resource rather than through the provider's `defaultTags`:
 * explicit tags show in previews and are visible to the mocks tests and the policy pack.
 */
export const TagKeys = {
  environment: "gametracker:environment",
  stack: "gametracker:stack",
  managedBy: "gametracker:managed-by",
  /** What a resource is for (`assets` on the assets bucket, which the policy pack looks for). */
  role: "gametracker:role",
  component: "gametracker:component",
} as const;

/** The environment-wide tags: environment (the stack name), `<project>/<stack>`, managed by pulumi. */
export function environmentTags(project: string, stack: string): Record<string, string> {
  return {
    [TagKeys.environment]: stack,
    [TagKeys.stack]: `${project}/${stack}`,
    [TagKeys.managedBy]: "pulumi",
  };
}
