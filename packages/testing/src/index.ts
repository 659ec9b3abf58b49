export type { BrokerContractFactory } from "./broker-contract.js";
export { runBrokerContract } from "./broker-contract.js";
export type { TriggerOption } from "./builders.js";
export {
  makeEnvelope,
  makeEvent,
  makeTrigger,
  withAttributesFilter,
  withBroker,
  withDelivery,
  withFilters,
  withNamespace,
  withOrdered,
  withSubscriber,
} from "./builders.js";
export type { EventuallyOptions } from "./eventually.js";
export { eventually } from "./eventually.js";
export { prng } from "./prng.js";
export type {
  RecordingSink,
  RecordingSinkOptions,
  SinkAction,
  SinkReply,
  SinkRequest,
  SinkResponder,
} from "./recording-sink.js";
export { accept, always, failTimes, hang, startRecordingSink } from "./recording-sink.js";
export type {
  ClosableSourceContext,
  SourceContextFactory,
  SourceContextFactoryOptions,
  SourceContractOptions,
  SourceHarness,
  SourceTarget,
  TestHttpRouter,
  TestSourceContext,
} from "./source-contract.js";
export {
  createTestSourceContext,
  runSourceContract,
  startTestRouter,
} from "./source-contract.js";
