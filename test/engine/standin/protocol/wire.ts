/**
 * TEST DOUBLE support: the engine's property wire format (a protobuf Struct with "special
 * signature" objects) to plain values and back. Secrets become plain values whose paths are
 * remembered, so outputs can be marked secret again where their inputs were (as the engine
 * itself does for providers that don't accept secrets); unknowns (previews) stay as the
 * UNKNOWN sentinel string so the diff can treat them as "will change".
 * Signatures: sdk/go/common/resource/sig/sig.go.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** What a computed value looks like before it is known (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Segment = string | number;
export type Path = readonly Segment[];
export type Props = Record<string, unknown>;

export interface Decoded {
  props: Props;
  /** Paths whose values arrived as secrets. */
  secrets: Path[];
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Whether a value is unknown or holds an unknown anywhere inside it. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value) && !isAssetOrArchive(value)) return Object.values(value).some(containsUnknown);
  return false;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function isAssetOrArchive(value: unknown): boolean {
  return isObject(value) && (value[SPECIAL_SIG] === ASSET_SIG || value[SPECIAL_SIG] === ARCHIVE_SIG);
}

export function decodeStruct(struct: Struct | undefined): Decoded {
  const secrets: Path[] = [];
  const raw = (struct?.toJavaScript() ?? {}) as Props;
  const props = decodeValue(raw, [], secrets) as Props;
  return { props: props ?? {}, secrets };
}

function decodeValue(value: unknown, path: Segment[], secrets: Path[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => decodeValue(v, [...path, i], secrets));
  if (!isObject(value)) return value;
  const sig = value[SPECIAL_SIG];
  if (sig === SECRET_SIG) {
    secrets.push(path);
    return decodeValue(value.value, path, secrets);
  }
  if (sig === OUTPUT_SIG) {
    if (value.secret === true) secrets.push(path);
    return "value" in value ? decodeValue(value.value, path, secrets) : UNKNOWN;
  }
  if (sig === RESOURCE_REF_SIG) {
    // Handshake says acceptResources=false, so the engine sends ids; keep the id if one slips through.
    return typeof value.id === "string" && value.id !== "" ? value.id : value.urn;
  }
  if (sig === ASSET_SIG || sig === ARCHIVE_SIG) return value;
  const out: Props = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v, [...path, k], secrets);
  return out;
}

export function getPath(value: unknown, path: Path): unknown {
  let current = value;
  for (const s of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[s];
  }
  return current;
}

/** Wraps the values at `secrets` (where present) in the secret signature and encodes the result. */
export function encodeStruct(props: Props, secrets: readonly Path[] = []): Struct {
  let value: unknown = dropUndefined(props);
  for (const path of secrets) value = wrapAt(value, path);
  return Struct.fromJavaScript(value as Record<string, never>);
}

function wrapAt(value: unknown, path: Path): unknown {
  if (path.length === 0) {
    if (value === undefined || (isObject(value) && value[SPECIAL_SIG] === SECRET_SIG)) return value;
    return { [SPECIAL_SIG]: SECRET_SIG, value };
  }
  const [head, ...rest] = path as [Segment, ...Segment[]];
  if (Array.isArray(value) && typeof head === "number" && head < value.length) {
    const copy = [...value];
    copy[head] = wrapAt(copy[head], rest);
    return copy;
  }
  if (isObject(value) && typeof head === "string" && head in value && value[SPECIAL_SIG] !== SECRET_SIG) {
    return { ...value, [head]: wrapAt(value[head], rest) };
  }
  return value;
}

/** protobuf Structs cannot hold `undefined`; the engine reads a missing key as null anyway. */
export function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : dropUndefined(v)));
  if (!isObject(value)) return value;
  const out: Props = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out;
}
