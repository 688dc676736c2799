// fieldstream/react: a hook that streams an object from a `toResponse` endpoint into components,
// re-rendering only what changed. React is an optional peer dependency; nothing here uses Node APIs.

export {
  type ObjectStreamState,
  type ObjectStreamStatus,
  ObjectStreamStore,
  type OpenStream,
  type StoreCallbacks,
  type StreamLike,
  StreamStoppedError,
} from "./store.js";
export {
  type Fetcher,
  type UseObjectStreamOptions,
  type UseObjectStreamResult,
  useObjectStream,
} from "./use-object-stream.js";
