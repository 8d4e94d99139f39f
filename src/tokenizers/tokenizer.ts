/**
 * The tokenizer a workload is measured with: built-in offline vocabularies (cl100k, o200k, llama3,
 * qwen3, deepseek-v3, gpt-oss), a Hugging Face tokenizer.json, or the target server's own
 * `POST /tokenize`. Prompts are built and counted before the timed run, so the interface is async
 * (the server's is a network call); local tokenizers also expose their synchronous functions.
 */
export interface Tokenizer {
  /** As the user named it (`cl100k`, `llama3`, a path, `server`): recorded in summary.json. */
  readonly name: string;
  /** What it is, exactly: vocabulary, library and version, or the URL it asks. */
  readonly description: string;
  /** Token ids of a text, without special tokens (no BOS, no chat template). */
  encode(text: string): Promise<number[]>;
  /** The text of token ids. */
  decode(ids: readonly number[]): Promise<string>;
  /** Tokens in a text without special tokens: `(await encode(text)).length`, maybe cheaper. */
  count(text: string): Promise<number>;
  /** Present for local tokenizers: the same functions, synchronous. */
  readonly local?: LocalTokenizer;
}

/** A tokenizer that runs in this process. */
export interface LocalTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Size of the vocabulary (ids are 0 .. vocabSize-1, special tokens included). */
  vocabSize: number;
}
