/**
 * The shape of one config key's declaration: what config.ts (and the validation module's
 * keys) declare, and what Pulumi.yaml's config section is generated from
 * (scripts/config-schema.ts). Apart from config.ts so that a module declaring keys need
 * not import the config parser that imports it.
 */
export type ConfigType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySchema {
  type: ConfigType;
  /** Array item type (Pulumi requires `items` for arrays). */
  items?: "string";
  default: string | number | boolean | string[];
  description: string;
}
