/**
 * TEST DOUBLE — NOT the real pulumi-aws provider. The `pulumirpc.ResourceProvider` service
 * of the stand-in `aws` plugin, implemented directly on @grpc/grpc-js because
 * @pulumi/pulumi/provider's server answers Diff without `diffs`/`detailedDiff` and ignores
 * Configure's `aws:region`. Check and Diff follow the schema table (schema.ts); Create, Read,
 * Update and Delete apply the resources to moto (resources/*.ts); invokes.ts answers the
 * data sources. Every operation passes the test levers (control.ts) and is timed (metrics.ts).
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { ControlOperation, beforeOperation } from "../control";
import { MotoMeter, writeRecord } from "../metrics";
import { Decoded, Path, Props, UNKNOWN, decodeStruct, encodeStruct } from "../protocol/wire";
import { DEFAULTS_KEY, checkInputs } from "./check";
import { ClientPool, meterStorage } from "./clients";
import { diffResource } from "./diff";
import type { InvokeHandler } from "./invokes";
import type { ResourceHandler } from "./resources/types";
import { PartialCreateError, ResourceContext } from "./resources/types";
import { AWS_SCHEMA, schemaOf } from "./schema";
import { errorMessage } from "../../../../contracts/text";

/** The version of @pulumi/aws the programs use; the engine asks every plugin for it. */
export const STANDIN_AWS_VERSION = "7.48.0";
export const STANDIN_NOTICE = "TEST DOUBLE: stand-in aws provider for the GameTracker engine tests (test/engine/standin); not pulumi-aws.";

const KIND = provproto.PropertyDiff.Kind;

interface ProviderConfig {
  region: string | undefined;
  s3UsePathStyle: boolean;
}

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** `urn:pulumi:stack::project::parent$type::name` -> type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? qualified, name: parts.slice(3).join("::") };
}

export class AwsStandIn {
  private config: ProviderConfig = { region: undefined, s3UsePathStyle: false };
  private pool: ClientPool | undefined;
  private readonly accounts = new Map<string, Promise<string>>();

  /** The service implementation for grpc-js (methods left out answer UNIMPLEMENTED). */
  service(): grpc.UntypedServiceImplementation {
    const s: Record<string, Unary<any, any>> = {
      getPluginInfo: (_call, cb) => cb(null, new pluginproto.PluginInfo().setVersion(STANDIN_AWS_VERSION)),
      handshake: (_call, cb) =>
        cb(null, new provproto.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(false).setAcceptOutputs(false).setSupportsAutonamingConfiguration(false)),
      getSchema: (_call, cb) => cb(null, new provproto.GetSchemaResponse().setSchema(JSON.stringify({ name: "aws", version: STANDIN_AWS_VERSION, description: STANDIN_NOTICE }))),
      checkConfig: (call, cb) => cb(null, new provproto.CheckResponse().setInputs(call.request.getNews() ?? new Struct())),
      diffConfig: (call, cb) => this.respond(cb, async () => this.diffConfig(call.request)),
      configure: (call, cb) => this.respond(cb, async () => this.configure(call.request)),
      check: (call, cb) => this.respond(cb, () => this.operation("check", call.request.getUrn(), false, async () => this.check(call.request))),
      diff: (call, cb) => this.respond(cb, () => this.operation("diff", call.request.getUrn(), false, async () => this.diff(call.request))),
      create: (call, cb) => this.respond(cb, () => this.operation("create", call.request.getUrn(), call.request.getPreview(), () => this.create(call.request))),
      read: (call, cb) => this.respond(cb, () => this.operation("read", call.request.getUrn(), false, () => this.read(call.request))),
      update: (call, cb) => this.respond(cb, () => this.operation("update", call.request.getUrn(), call.request.getPreview(), () => this.update(call.request))),
      delete: (call, cb) => this.respond(cb, () => this.operation("delete", call.request.getUrn(), false, () => this.delete(call.request))),
      invoke: (call, cb) => this.respond(cb, () => this.operation("invoke", `urn:pulumi:invoke::invoke::${call.request.getTok()}::${call.request.getTok()}`, false, () => this.invoke(call.request))),
      cancel: (_call, cb) => cb(null, new Empty()),
    };
    return s as grpc.UntypedServiceImplementation;
  }

  private respond<T>(cb: grpc.sendUnaryData<T>, action: () => Promise<T>): void {
    action().then(
      (result) => cb(null, result),
      (error: unknown) => cb(toGrpcError(error)),
    );
  }

  /** Levers, moto metering and one metrics record around a resource operation. */
  private async operation<T>(op: ControlOperation, urn: string, preview: boolean, action: () => Promise<T>): Promise<T> {
    const { type, name } = parseUrn(urn);
    const meter = new MotoMeter();
    const start = Date.now();
    const started = performance.now();
    let error: string | undefined;
    try {
      await beforeOperation({ op, type, name, preview });
      return await meterStorage.run(meter, action);
    } catch (e) {
      error = errorMessage(e);
      throw e;
    } finally {
      writeRecord({ plugin: "aws", op, type, name, preview, start, ms: performance.now() - started, motoMs: meter.ms, motoCalls: meter.calls, motoIntervals: meter.intervals, ...(error ? { error } : {}) });
    }
  }

  // ------------------------------------------------------------------------- configuration

  private configure(req: provproto.ConfigureRequest): provproto.ConfigureResponse {
    const args = decodeStruct(req.getArgs()).props;
    const vars = req.getVariablesMap();
    const variable = (key: string) => vars.get(`aws:config:${key}`) ?? vars.get(`aws:${key}`);
    // pulumi-aws: aws:region, else the SDK's environment (AWS_REGION, AWS_DEFAULT_REGION); empty counts as unset.
    const region = stringOf(args.region) ?? stringOf(variable("region")) ?? stringOf(process.env.AWS_REGION) ?? stringOf(process.env.AWS_DEFAULT_REGION);
    const pathStyle = args.s3UsePathStyle ?? variable("s3UsePathStyle");
    this.config = { region, s3UsePathStyle: pathStyle === true || pathStyle === "true" };
    this.pool?.destroy();
    this.pool = new ClientPool({ endpoint: process.env.AWS_ENDPOINT_URL || undefined, s3UsePathStyle: this.config.s3UsePathStyle, motoGaps: process.env.GAMETRACKER_STANDIN_MOTO_GAPS !== "off" });
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false).setAcceptoutputs(false);
  }

  private diffConfig(req: provproto.DiffRequest): provproto.DiffResponse {
    const olds = decodeStruct(req.getOlds()).props;
    const news = decodeStruct(req.getNews()).props;
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== "version" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    const resp = new provproto.DiffResponse().setChanges(keys.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE).setDiffsList(keys);
    for (const k of keys) resp.getDetaileddiffMap().set(k, new provproto.PropertyDiff().setKind(KIND.UPDATE).setInputdiff(true));
    return resp.setHasdetaileddiff(true);
  }

  private providerRegion(): string {
    if (this.config.region === undefined) throw new Error("Missing region information\nMake sure you have set your AWS region, e.g. `pulumi config set aws:region us-west-2`.");
    return this.config.region;
  }

  private context(type: string, urn: string, props: Props): ResourceContext {
    if (this.pool === undefined) throw new Error("the stand-in aws provider was used before Configure");
    const schema = schemaOf(type);
    const region = schema.regional && typeof props.region === "string" && props.region !== "" ? props.region : this.providerRegion();
    const clients = this.pool.forRegion(region);
    return { type, name: parseUrn(urn).name, urn, region, clients, accountId: () => this.accountId(region) };
  }

  private accountId(region: string): Promise<string> {
    let id = this.accounts.get(region);
    if (id === undefined) {
      id = (invokes()["aws:index/getCallerIdentity:getCallerIdentity"]!(this.pool!.forRegion(region), {}) as Promise<Props>).then((r) => String(r.accountId));
      this.accounts.set(region, id);
    }
    return id;
  }

  // ------------------------------------------------------------------------- resources

  private typeOf(urn: string, type: string): string {
    return type || parseUrn(urn).type;
  }

  private check(req: provproto.CheckRequest): provproto.CheckResponse {
    const type = this.typeOf(req.getUrn(), req.getType());
    const news = decodeStruct(req.getNews());
    const resp = new provproto.CheckResponse();
    const schema = AWS_SCHEMA[type];
    if (schema === undefined) {
      return resp.setInputs(encodeStruct(news.props, news.secrets)).setFailuresList([checkFailure("", `The stand-in aws provider has no schema table entry for ${type}; add it to test/engine/standin/aws/schema.ts.`)]);
    }
    const { inputs, failures } = checkInputs(schema, {
      type,
      name: req.getName() || parseUrn(req.getUrn()).name,
      olds: decodeStruct(req.getOlds()).props,
      news: news.props,
      randomSeed: req.getRandomseed_asU8(),
      providerRegion: this.providerRegion(),
    });
    return resp.setInputs(encodeStruct(inputs, news.secrets)).setFailuresList(failures.map((f) => checkFailure(f.property, f.reason)));
  }

  private diff(req: provproto.DiffRequest): provproto.DiffResponse {
    const type = this.typeOf(req.getUrn(), req.getType());
    const result = diffResource(schemaOf(type), decodeStruct(req.getOlds()).props, decodeStruct(req.getNews()).props, req.getIgnorechangesList());
    const resp = new provproto.DiffResponse()
      .setChanges(result.changed ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE)
      .setDiffsList(result.diffs)
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(false)
      .setHasdetaileddiff(true);
    for (const [path, d] of Object.entries(result.detailed)) {
      const kind = d.kind === "add" ? (d.replace ? KIND.ADD_REPLACE : KIND.ADD) : d.kind === "delete" ? (d.replace ? KIND.DELETE_REPLACE : KIND.DELETE) : d.replace ? KIND.UPDATE_REPLACE : KIND.UPDATE;
      resp.getDetaileddiffMap().set(path, new provproto.PropertyDiff().setKind(kind).setInputdiff(true));
    }
    return resp;
  }

  private async create(req: provproto.CreateRequest): Promise<provproto.CreateResponse> {
    const type = this.typeOf(req.getUrn(), req.getType());
    const inputs = decodeStruct(req.getProperties());
    const schema = schemaOf(type);
    if (req.getPreview()) {
      // Like the bridge's planned state: what the program set, every computed attribute unknown.
      const planned: Props = { ...inputs.props };
      for (const out of schema.outputs) planned[out] = UNKNOWN;
      for (const [key, spec] of Object.entries(schema.attrs)) if (spec.computed && planned[key] === undefined) planned[key] = UNKNOWN;
      return new provproto.CreateResponse().setId("").setProperties(encodeStruct(planned, secretPaths(type, inputs)));
    }
    const ctx = this.context(type, req.getUrn(), inputs.props);
    const created = await handlerOf(type).create(ctx, withoutMeta(inputs.props));
    return new provproto.CreateResponse().setId(created.id).setProperties(encodeStruct(withMeta(created.state, inputs.props), secretPaths(type, inputs)));
  }

  private async read(req: provproto.ReadRequest): Promise<provproto.ReadResponse> {
    const type = this.typeOf(req.getUrn(), "");
    const state = decodeStruct(req.getProperties());
    const inputs = decodeStruct(req.getInputs());
    const ctx = this.context(type, req.getUrn(), { ...inputs.props, ...state.props });
    const read = await handlerOf(type).read(ctx, req.getId(), withoutMeta(state.props));
    const resp = new provproto.ReadResponse();
    if (read === undefined) return resp.setId("");
    return resp
      .setId(read.id)
      .setProperties(encodeStruct(withMeta(read.state, state.props), secretPaths(type, state)))
      .setInputs(encodeStruct(Object.keys(inputs.props).length > 0 ? inputs.props : inputsFromState(type, read.state), inputs.secrets));
  }

  private async update(req: provproto.UpdateRequest): Promise<provproto.UpdateResponse> {
    const type = this.typeOf(req.getUrn(), req.getType());
    const olds = decodeStruct(req.getOlds());
    const news = decodeStruct(req.getNews());
    const schema = schemaOf(type);
    const changed = new Set(diffResource(schema, olds.props, news.props, req.getIgnorechangesList()).diffs);
    if (req.getPreview()) {
      return new provproto.UpdateResponse().setProperties(encodeStruct({ ...olds.props, ...news.props }, secretPaths(type, news)));
    }
    const ctx = this.context(type, req.getUrn(), news.props);
    const state = await handlerOf(type).update(ctx, req.getId(), withoutMeta(olds.props), withoutMeta(news.props), changed);
    return new provproto.UpdateResponse().setProperties(encodeStruct(withMeta(state, news.props), secretPaths(type, news)));
  }

  private async delete(req: provproto.DeleteRequest): Promise<Empty> {
    const type = this.typeOf(req.getUrn(), req.getType());
    const state = decodeStruct(req.getProperties()).props;
    await handlerOf(type).delete(this.context(type, req.getUrn(), state), req.getId(), withoutMeta(state));
    return new Empty();
  }

  private async invoke(req: provproto.InvokeRequest): Promise<provproto.InvokeResponse> {
    const tok = req.getTok();
    const handler = invokes()[tok];
    const resp = new provproto.InvokeResponse();
    if (handler === undefined) return resp.setFailuresList([checkFailure("", `The stand-in aws provider does not implement the invoke ${tok}; add it to test/engine/standin/aws/invokes.ts.`)]);
    const args = decodeStruct(req.getArgs()).props;
    const region = typeof args.region === "string" && args.region !== "" ? args.region : this.providerRegion();
    if (this.pool === undefined) throw new Error("the stand-in aws provider was invoked before Configure");
    return resp.setReturn(encodeStruct(await handler(this.pool.forRegion(region), args)));
  }
}

/**
 * The handlers and invokes load the AWS SDK; required on first use so that starting the
 * plugin (on every engine operation) and previews that create nothing don't pay for it.
 */
function handlers(): Readonly<Record<string, ResourceHandler>> {
  return (require("./resources") as typeof import("./resources")).HANDLERS;
}

function invokes(): Readonly<Record<string, InvokeHandler>> {
  return (require("./invokes") as typeof import("./invokes")).INVOKES;
}

function handlerOf(type: string): ResourceHandler {
  const handler = handlers()[type];
  if (handler === undefined) throw new Error(`The stand-in aws provider has no handler for ${type} (test/engine/standin/aws/resources/index.ts).`);
  return handler;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function checkFailure(property: string, reason: string): provproto.CheckFailure {
  return new provproto.CheckFailure().setProperty(property).setReason(reason);
}

/** `__defaults` is bookkeeping of Check's, kept in the inputs but never sent to AWS. */
function withoutMeta(props: Props): Props {
  const out = { ...props };
  delete out[DEFAULTS_KEY];
  return out;
}

function withMeta(state: Props, source: Props): Props {
  return source[DEFAULTS_KEY] === undefined ? state : { ...state, [DEFAULTS_KEY]: source[DEFAULTS_KEY] };
}

/** Secret where the inputs were secret, and every Sensitive attribute of the schema. */
function secretPaths(type: string, decoded: Decoded): Path[] {
  const sensitive = Object.entries(schemaOf(type).attrs)
    .filter(([, spec]) => spec.sensitive)
    .map(([k]) => [k]);
  return [...decoded.secrets, ...sensitive];
}

/** For a pure read (`Resource.get`): the schema's input attributes present in the state. */
function inputsFromState(type: string, state: Props): Props {
  const attrs = schemaOf(type).attrs;
  return Object.fromEntries(Object.entries(state).filter(([k, v]) => k in attrs && v !== undefined && v !== null && v !== ""));
}

function toGrpcError(error: unknown): grpc.ServiceError {
  const message = errorMessage(error);
  const metadata = new grpc.Metadata();
  if (error instanceof PartialCreateError) {
    // The engine looks for this detail to record a resource that exists despite the error.
    const detail = new provproto.ErrorResourceInitFailed().setId(error.id).setProperties(encodeStruct(error.state)).setReasonsList([message]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status().setCode(grpc.status.UNKNOWN).setMessage(message).setDetailsList([any]);
    metadata.set("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata }) as grpc.ServiceError;
}
