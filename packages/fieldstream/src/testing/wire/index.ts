// The route table: which wire format answers a method and path, exactly as the real APIs lay out
// their endpoints, and whether the path itself asks for a stream (Gemini puts that in the URL).

import { anthropicMessages } from "./anthropic.js";
import { gemini } from "./gemini.js";
import { openaiChat } from "./openai-chat.js";
import { openaiResponses } from "./openai-responses.js";
import type { WireFormat } from "./types.js";

export interface Route {
  readonly wire: WireFormat;
  /** The model named in the path (Gemini), if any. */
  readonly pathModel?: string;
  /** Set when the path decides streaming (Gemini); otherwise the body's `stream` flag does. */
  readonly pathStream?: boolean;
}

const GEMINI =
  /^\/(?:v1|v1beta|v1alpha|v1beta1)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/google\/)?models\/([^/:]+):(generateContent|streamGenerateContent)$/;

export function matchRoute(method: string, pathname: string): Route | undefined {
  if (method !== "POST") return undefined;
  if (pathname === "/v1/chat/completions") return { wire: openaiChat };
  if (pathname === "/v1/responses") return { wire: openaiResponses };
  if (pathname === "/v1/messages") return { wire: anthropicMessages };
  const match = GEMINI.exec(pathname);
  if (match !== null) {
    return {
      wire: gemini,
      pathModel: decodeURIComponent(match[1] as string),
      pathStream: match[2] === "streamGenerateContent",
    };
  }
  return undefined;
}

export type { ApiName, WireEvent, WireFormat } from "./types.js";
