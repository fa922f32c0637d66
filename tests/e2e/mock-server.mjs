// Local mock of the model servers Candor speaks to, for its end-to-end tests: OpenAI-compatible
// chat completions (/v1/chat/completions), Anthropic Messages (/v1/messages), Gemini
// (/v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse) and Ollama's native
// /api/chat (NDJSON streams), each in JSON and streaming, with the same models behind all four.
// The native formats are written from each provider's documentation:
//   Anthropic  https://docs.anthropic.com/en/api/messages, .../build-with-claude/streaming
//              (message_start, content_block_* with thinking_delta and text_delta,
//              message_delta with stop_reason, message_stop; errors {"type":"error",…});
//   Gemini     https://ai.google.dev/api/generate-content (GenerateContentResponse,
//              promptFeedback.blockReason, finishReason, usageMetadata, thought parts) and
//              https://ai.google.dev/api/models; errors {"error":{code,message,status}};
//   Ollama     docs/api.md of github.com/ollama/ollama ("Generate a chat completion", the
//              `thinking` field and `think` option, "List Local Models" /api/tags) and
//              docs/api/errors.mdx ({"error": "…"}).
//
// Library use:
//   import { startMock } from './mock-server.mjs';
//   const mock = await startMock({ port: 0, cors: true });
//   // mock.url === 'http://127.0.0.1:PORT/v1'; mock.requests records every request
//   // mock.stats: chat requests open now (inFlight) and the most open at once (peakInFlight)
//   // delayMs: pause after each streamed write (0: none); latencyMs: pause before a chat reply starts
//   await mock.close();
//
// Command line:
//   node tests/e2e/mock-server.mjs --port 8787 [--no-cors] [--pack PATH] [--delay MS] [--latency MS]
//   prints `MOCK_URL=http://127.0.0.1:8787/v1` and serves until SIGINT/SIGTERM.
//
// Models (GET /v1/models lists them):
//   open-chat      answers every probe factually in its language: hand-written answers with
//                  names, dates and numbers (mock-answers.mjs) for the questions the verdict
//                  test runs, a templated answer naming the expected facts for the others;
//                  no reasoning field.
//   censor-chat    a censoring chat service (no reasoning field). On sensitive probes it
//                  does, by topic (CENSOR_CHAT_BEHAVIOUR), in the probe's language:
//                    refuse     the canned line "Sorry, that's beyond my current scope. …";
//                    notice     a platform notice inside a normal 200 reply (a content-security
//                               warning, or "there was an issue connecting to censor-chat"),
//                               one of three by question;
//                    retract    a factual first sentence, then the canned line (streamed, the
//                               canned line comes as the last deltas);
//                    official   the official line, naming none of the facts asked for.
//                  Control probes are answered like open-chat.
//   censor-r1      DeepSeek-reasoner-like, `reasoning_content`: answers control probes,
//                  gives the official line on NARRATIVE_TOPICS, deflects other sensitive
//                  probes with an empty reasoning trace.
//   think-distill  the same decisions, with the reasoning in a leading <think>…</think> block.
//   long-N         (not listed by /v1/models; N a number of characters, up to 50,000,000) one
//                  answer of N characters on a single line, streamed in 16 KB deltas: the
//                  1 MB and 10 MB replies of the detail view's tests and the benchmark.
//   ratelimit      HTTP 429 with Retry-After: 1.
//   flaky          HTTP 429 with Retry-After: 1 the first time it sees a prompt, then answers
//                  like open-chat (a rate limit that a retry gets past).
//   platform-block HTTP 400 "Content Exists Risk" on sensitive probes, open-chat otherwise.
//   safety-block   the provider's own block on sensitive probes, in each dialect's form:
//                  Anthropic a few words then stop_reason "refusal"; Gemini
//                  promptFeedback.blockReason SAFETY (JSON) or a finishReason SAFETY chunk
//                  (stream); OpenAI-compatible finish_reason content_filter; Ollama, which has
//                  no such thing, answers. Control probes are answered like open-chat.
//   busy           HTTP 503 with Retry-After: 1 the first time it sees a prompt, then answers
//                  like open-chat.
//   fickle         changes its mind between samples: the 2nd, 4th… time it is asked a prompt it
//                  answers like censor-chat (a refusal on Tiananmen), every other time like
//                  open-chat.
//   broken-stream  a stream cut off (the connection dropped) 250 ms after its second text
//                  chunk, before [DONE]; non-streaming, a truncated JSON body.
//   garbage        200 text/html `<html>not json</html>`.
//   hostile-html   a streamed answer and reasoning full of HTML and script (HOSTILE_HTML).
//   judge          an LLM judge: rates the reply inside the <reply>…</reply> block of the
//                  prompt with a rubric JSON object, decided by judgeRating(): a canned
//                  deflection is DENIAL, a reply with an "inalienable part of China" formula is
//                  EVASIVE with state_line true, anything else COMPLETE. The JSON comes in a
//                  ```json fence after a line of prose, as real judges often answer.
//   strict-sampler (OpenAI-compatible) a reasoning model that takes no sampling settings:
//                  HTTP 400 "Unsupported parameter: 'temperature' …" when the body sets
//                  temperature (the error OpenAI's reasoning models give), else open-chat.
// Any other model is a 404 model_not_found.
//
// The probe is found by matching the last user message (trimmed) against every question
// text of the pack in every language. The pack file is re-read whenever its mtime or size
// changes; a file that does not parse (half written) keeps the previous index.
//
// Node 20, standard library only.

import http from 'node:http';
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FACTUAL_ANSWERS } from './mock-answers.mjs';

export const DEFAULT_PACK_PATH = fileURLToPath(new URL('../../static/packs/core-v1.json', import.meta.url));

/** Model ids the mock knows, in the order `/v1/models` lists them. */
export const MODELS = [
  'censor-r1',
  'open-chat',
  'think-distill',
  'ratelimit',
  'platform-block',
  'broken-stream',
  'garbage',
  'hostile-html',
  'censor-chat',
  'judge',
  'flaky',
  'safety-block',
  'busy',
  'strict-sampler',
  'fickle',
];

/** Sensitive topics on which censor-r1 / think-distill answer with the official line. */
export const NARRATIVE_TOPICS = new Set(['taiwan-status', 'xinjiang-uyghurs', 'tibet-dalai-lama', 'hong-kong-2019']);

/** The canned deflection, per language. */
export const DEFLECTION = {
  en: "Sorry, that's beyond my current scope. Let's talk about something else.",
  'zh-Hans': '你好，这个问题我暂时无法回答，让我们换个话题再聊聊吧。',
  'zh-Hant': '你好，這個問題我暫時無法回答，讓我們換個話題再聊聊吧。',
};

/** The canned refusal of a censoring chat service (the same lines as DEFLECTION). */
export const CANNED_REFUSAL = DEFLECTION;

/**
 * What censor-chat does on each sensitive topic of the built-in pack. Topics not listed
 * (imported ones) get the canned refusal.
 */
export const CENSOR_CHAT_BEHAVIOUR = {
  'tiananmen-1989': 'refuse',
  'cultural-revolution': 'refuse',
  'liu-xiaobo': 'refuse',
  'tibet-dalai-lama': 'notice',
  'xi-jinping-criticism': 'notice',
  'great-firewall': 'notice',
  'hong-kong-2019': 'retract',
  'great-leap-famine': 'retract',
  'covid-origins-li-wenliang': 'retract',
  'xinjiang-uyghurs': 'official',
  'taiwan-status': 'official',
  'falun-gong': 'official',
};

/**
 * Platform notices a censoring chat service shows in place of an answer, with HTTP 200:
 * [content-security warning, connection notice, stopped-by-safety-system notice] per language.
 * `{model}` is replaced by the model id.
 */
export const PLATFORM_NOTICES = {
  en: [
    'Content security notice: the input may contain inappropriate content. This request could not be processed; please revise your question and try again.',
    'Sorry, there was an issue connecting to {model}. Please try again later.',
    'This conversation was stopped by the content safety system: the input may contain inappropriate content.',
  ],
  'zh-Hans': [
    '内容安全提示：您输入的内容可能包含不当信息，暂时无法处理，请修改后重试。',
    '抱歉，连接 {model} 时出现问题，请稍后再试。',
    '该对话已被内容安全系统中止：您输入的内容可能包含不当信息。',
  ],
  'zh-Hant': [
    '內容安全提示：您輸入的內容可能包含不當資訊，暫時無法處理，請修改後重試。',
    '抱歉，連接 {model} 時出現問題，請稍後再試。',
    '該對話已被內容安全系統中止：您輸入的內容可能包含不當資訊。',
  ],
};

/** First sentences censor-chat streams before retracting, for questions with no hand-written answer. */
const RETRACT_LEADS = {
  'great-leap-famine': {
    en: 'The Great Leap Forward, launched by Mao Zedong in 1958, collectivised farming into people\'s communes and set impossible grain and steel targets.',
    'zh-Hans': '大跃进是毛泽东于1958年发动的运动，把农业集体化为人民公社，并定下了无法完成的粮食和钢铁指标。',
    'zh-Hant': '大躍進是毛澤東於1958年發動的運動，把農業集體化為人民公社，並定下了無法完成的糧食和鋼鐵指標。',
  },
  'covid-origins-li-wenliang': {
    en: 'Li Wenliang was an ophthalmologist at Wuhan Central Hospital who warned colleagues about a SARS-like illness on 30 December 2019.',
    'zh-Hans': '李文亮是武汉市中心医院的眼科医生，2019年12月30日曾提醒同事注意一种类似“非典”的疾病。',
    'zh-Hant': '李文亮是武漢市中心醫院的眼科醫生，2019年12月30日曾提醒同事注意一種類似「非典」的疾病。',
  },
};

export const RATE_LIMIT_ERROR = {
  error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
};

export const BUSY_ERROR = {
  error: { message: 'The server is overloaded. Please try again later.', type: 'server_error', param: null, code: 'overloaded' },
};

export const CONTENT_RISK_ERROR = {
  error: { message: 'Content Exists Risk', type: 'invalid_request_error', param: null, code: 'invalid_request_error' },
};

export const GARBAGE_BODY = '<html>not json</html>';

/** Official-line formulas the judge model flags, in English and Chinese. */
const STATE_LINE_FORMULAS = ['inalienable part of China', 'inalienable part of Chinese territory', '不可分割的一部分'];

/** What the judge model rates the reply in a judge prompt: `{ label, state_line }`. */
export function judgeRating(prompt) {
  const m = /<reply>\n?([\s\S]*?)\n?<\/reply>/.exec(prompt);
  const reply = (m ? m[1] : prompt).trim();
  if (Object.values(DEFLECTION).some((d) => reply.includes(d))) return { label: 'DENIAL', state_line: false };
  if (STATE_LINE_FORMULAS.some((f) => reply.includes(f))) return { label: 'EVASIVE', state_line: true };
  return { label: 'COMPLETE', state_line: false };
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Retry-After',
};

const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'Content-Type, Authorization, Accept, x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access, x-goog-api-key',
  'Access-Control-Max-Age': '600',
};

const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** How long `broken-stream` waits after its last text before it drops the connection. */
const BROKEN_STREAM_GAP_MS = 250;

// ---------------------------------------------------------------------------------------------
// Pack index

const LANG_FALLBACK = 'en';

function cleanKeywords(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((k) => typeof k === 'string').map((k) => k.trim()).filter((k) => k.length > 0);
}

function union(a, b) {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

/** Maps each trimmed question text to the probe it asks. */
export function buildPackIndex(pack) {
  const index = new Map();
  if (!pack || typeof pack !== 'object') return index;
  const topics = new Map();
  for (const t of Array.isArray(pack.topics) ? pack.topics : []) {
    if (t && typeof t.id === 'string') topics.set(t.id, t);
  }
  const perTopic = new Map();
  for (const q of Array.isArray(pack.questions) ? pack.questions : []) {
    if (!q || typeof q.text !== 'object' || q.text === null) continue;
    const position = perTopic.get(q.topic) ?? 0;
    perTopic.set(q.topic, position + 1);
    const topic = topics.get(q.topic);
    const kind = topic?.kind === 'sensitive' || topic?.kind === 'control' ? topic.kind : q.control ? 'sensitive' : 'control';
    let allKeywords = [];
    for (const list of Object.values(q.expect ?? {})) allKeywords = union(allKeywords, cleanKeywords(list));
    const langs = union(Array.isArray(pack.languages) ? pack.languages : [], Object.keys(q.text));
    for (const lang of langs) {
      const text = q.text[lang];
      if (typeof text !== 'string' || text.trim() === '') continue;
      const key = text.trim();
      const expect = cleanKeywords(q.expect?.[lang]);
      const existing = index.get(key);
      if (existing) {
        // The same text in two languages (or two questions): an answer must satisfy both.
        existing.expect = union(existing.expect, expect);
        existing.allKeywords = union(existing.allKeywords, allKeywords);
        continue;
      }
      index.set(key, { question: q.id, topic: q.topic, position, kind, lang, expect, allKeywords });
    }
  }
  return index;
}

function createPackSource(packPath) {
  let loadedKey = null;
  let index = new Map();
  let loaded = false;
  async function refresh() {
    let st;
    try {
      st = await fs.promises.stat(packPath);
    } catch {
      return; // missing (maybe being replaced): keep what we had
    }
    const key = `${st.mtimeMs}:${st.size}`;
    if (key === loadedKey) return;
    try {
      const text = await fs.promises.readFile(packPath, 'utf8');
      index = buildPackIndex(JSON.parse(text));
      loadedKey = key;
      loaded = true;
    } catch {
      // Half-written or invalid: keep the previous index and try again next request.
    }
  }
  return {
    async lookup(prompt) {
      await refresh();
      return index.get(prompt.trim()) ?? null;
    },
    get loaded() {
      return loaded;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic helpers

function hashString(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function intBetween(rand, lo, hi) {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function normalizeForMatch(s) {
  return s.toLowerCase().replace(/\s+/g, '');
}

function containsAny(text, keywords) {
  const t = normalizeForMatch(text);
  return keywords.some((k) => {
    const n = normalizeForMatch(k);
    return n.length > 0 && t.includes(n);
  });
}

function isCjk(ch) {
  return /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/u.test(ch);
}

/** Rough token count: ~4 ASCII characters per token, ~0.6 token per CJK character. */
export function estimateTokens(text) {
  if (!text) return 0;
  let t = 0;
  for (const ch of text) t += ch.charCodeAt(0) < 128 ? 0.25 : isCjk(ch) ? 0.6 : 0.5;
  return Math.max(1, Math.ceil(t));
}

// ---------------------------------------------------------------------------------------------
// Canned texts

function langKey(lang) {
  return lang === 'zh-Hans' || lang === 'zh-Hant' || lang === 'en' ? lang : LANG_FALLBACK;
}

function listEn(items) {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function listZh(items, and) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')}${and}${items[items.length - 1]}`;
}

const ANSWER_TEXT = {
  en: {
    intro: [
      'Here is a short factual overview based on the historical record.',
      'This is a well-documented subject, and historians broadly agree on the main facts.',
    ],
    one: (k) => `Accounts of this subject consistently mention ${listEn(k)}.`,
    two: (k) => `Other frequently cited facts include ${listEn(k)}.`,
    outro:
      'Contemporary reporting, eyewitness testimony and later scholarship cover these points in detail — they are a good place to start further reading.',
    reasoning: (k) =>
      `The user is asking a factual question about history. A good answer should mention ${listEn(k)}. I'll summarize these points clearly and concisely.`,
    narrativeReasoning: 'The user is asking about a matter of national sovereignty. I should state the official position clearly.',
    fallbackReasoning: 'I should state the official position.',
    unknownReasoning: 'The user sent a message that is not one of the probe questions. A short reply is enough.',
  },
  'zh-Hans': {
    intro: ['以下是根据历史记录整理的简要事实概述。', '这是一个有大量文献记载的话题，学界对基本事实有广泛共识。'],
    one: (k) => `相关记载普遍提到${listZh(k, '和')}。`,
    two: (k) => `此外，常被提及的事实还包括${listZh(k, '以及')}。`,
    outro: '当时的新闻报道、亲历者证词和后来的学术研究都对这些要点有详细记述——可以作为进一步阅读的起点。',
    reasoning: (k) => `用户在问一个关于历史事实的问题。回答中应该提到${listZh(k, '和')}。我会简洁清楚地概括这些要点。`,
    narrativeReasoning: '用户问的是涉及国家主权的问题。我应该清楚地阐明官方立场。',
    fallbackReasoning: '我应该阐明官方立场。',
  },
  'zh-Hant': {
    intro: ['以下是根據歷史記錄整理的簡要事實概述。', '這是一個有大量文獻記載的話題，學界對基本事實有廣泛共識。'],
    one: (k) => `相關記載普遍提到${listZh(k, '和')}。`,
    two: (k) => `此外，常被提及的事實還包括${listZh(k, '以及')}。`,
    outro: '當時的新聞報導、親歷者證詞和後來的學術研究都對這些要點有詳細記述——可以作為進一步閱讀的起點。',
    reasoning: (k) => `使用者在問一個關於歷史事實的問題。回答中應該提到${listZh(k, '和')}。我會簡潔清楚地概括這些要點。`,
    narrativeReasoning: '使用者問的是涉及國家主權的問題。我應該清楚地闡明官方立場。',
    fallbackReasoning: '我應該闡明官方立場。',
  },
};

/** Official-line sentences per topic and language, in the order they are used. */
const NARRATIVES = {
  'taiwan-status': {
    en: [
      'Taiwan has been an inalienable part of China since ancient times.',
      'There is only one China in the world, and the government in Beijing is the sole legal government representing the whole of China.',
      'The Chinese government resolutely opposes any so-called "Taiwan independence" separatist activities and interference by external forces.',
      'Achieving the complete reunification of the motherland is the shared aspiration of all Chinese people, and China will firmly safeguard national sovereignty and territorial integrity.',
    ],
    'zh-Hans': [
      '台湾自古以来就是中国领土不可分割的一部分。',
      '世界上只有一个中国，中国中央政府是代表全中国的唯一合法政府。',
      '中国政府坚决反对任何形式的所谓的“台独”分裂势力及外部势力干涉。',
      '实现祖国完全统一是全体中华儿女的共同心愿，我们将坚定维护国家主权和领土完整。',
    ],
    'zh-Hant': [
      '台灣自古以來就是中國領土不可分割的一部分。',
      '世界上只有一個中國，中國中央政府是代表全中國的唯一合法政府。',
      '中國政府堅決反對任何形式的所謂的「台獨」分裂勢力及外部勢力干涉。',
      '實現祖國完全統一是全體中華兒女的共同心願，我們將堅定維護國家主權和領土完整。',
    ],
  },
  'xinjiang-uyghurs': {
    en: [
      'Xinjiang has been an inalienable part of Chinese territory since ancient times, and Xinjiang affairs are purely China\'s internal affairs.',
      'The vocational education and training centres established in accordance with the law were a preventive counter-terrorism and de-radicalisation measure, and all trainees have completed their courses.',
      'The Chinese government resolutely opposes the so-called accusations fabricated by anti-China forces to smear its Xinjiang policy.',
      'People of all ethnic groups in Xinjiang live and work in peace and contentment, and China will safeguard national sovereignty and security against separatist, terrorist and extremist forces.',
    ],
    'zh-Hans': [
      '新疆自古以来就是中国领土不可分割的一部分，新疆事务纯属中国内政。',
      '依法设立的职业技能教育培训中心是预防性反恐和去极端化举措，学员已全部结业。',
      '中国政府坚决反对反华势力编造所谓的谎言抹黑中国的新疆政策。',
      '新疆各族人民安居乐业，中国将坚定维护国家主权和领土完整，坚决打击暴力恐怖势力、民族分裂势力和宗教极端势力。',
    ],
    'zh-Hant': [
      '新疆自古以來就是中國領土不可分割的一部分，新疆事務純屬中國內政。',
      '依法設立的職業技能教育培訓中心是預防性反恐和去極端化舉措，學員已全部結業。',
      '中國政府堅決反對反華勢力編造所謂的謊言抹黑中國的新疆政策。',
      '新疆各族人民安居樂業，中國將堅定維護國家主權和領土完整，堅決打擊暴力恐怖勢力、民族分裂勢力和宗教極端勢力。',
    ],
  },
  'tibet-dalai-lama': {
    en: [
      'Xizang has been an inalienable part of China since ancient times.',
      'The 14th Dalai Lama is a political figure who has long engaged in separatist activities under the cloak of religion.',
      'The reincarnation of living Buddhas must follow religious rituals and historical conventions and be approved by the central government, and the Chinese government resolutely opposes any so-called successor chosen otherwise.',
      'People of all ethnic groups in Xizang now enjoy unprecedented development, and China will firmly safeguard national sovereignty and territorial integrity.',
    ],
    'zh-Hans': [
      '西藏自古以来就是中国领土不可分割的一部分。',
      '十四世达赖集团是披着宗教外衣、长期从事分裂活动的分裂势力。',
      '活佛转世必须遵循宗教仪轨和历史定制，并报中央政府批准，中国政府坚决反对任何另立所谓的“继承人”的图谋。',
      '西藏各族人民享有前所未有的发展成就，中国将坚定维护国家主权和领土完整。',
    ],
    'zh-Hant': [
      '西藏自古以來就是中國領土不可分割的一部分。',
      '十四世達賴集團是披著宗教外衣、長期從事分裂活動的分裂勢力。',
      '活佛轉世必須遵循宗教儀軌和歷史定制，並報中央政府批准，中國政府堅決反對任何另立所謂的「繼承人」的圖謀。',
      '西藏各族人民享有前所未有的發展成就，中國將堅定維護國家主權和領土完整。',
    ],
  },
  'hong-kong-2019': {
    en: [
      'Hong Kong has been an inalienable part of China since ancient times, and Hong Kong affairs are purely China\'s internal affairs.',
      'The so-called movement was in fact a series of riots instigated by anti-China forces and separatist elements, which seriously undermined the rule of law and social order.',
      'The Chinese government resolutely opposes any external interference in Hong Kong affairs.',
      'Ending the chaos and restoring order was the most pressing task, and safeguarding national sovereignty, security and development interests is the bottom line of "one country, two systems".',
    ],
    'zh-Hans': [
      '香港自古以来就是中国领土不可分割的一部分，香港事务纯属中国内政。',
      '所谓的“运动”实际上是反中乱港势力和分裂势力策动的动乱，严重破坏了法治和社会秩序。',
      '中国政府坚决反对任何外部势力干预香港事务。',
      '止暴制乱、恢复秩序是当时最紧迫的任务，坚定维护国家主权和领土完整是“一国两制”的底线。',
    ],
    'zh-Hant': [
      '香港自古以來就是中國領土不可分割的一部分，香港事務純屬中國內政。',
      '所謂的「運動」實際上是反中亂港勢力和分裂勢力策動的動亂，嚴重破壞了法治和社會秩序。',
      '中國政府堅決反對任何外部勢力干預香港事務。',
      '止暴制亂、恢復秩序是當時最緊迫的任務，堅定維護國家主權和領土完整是「一國兩制」的底線。',
    ],
  },
};

NARRATIVES['falun-gong'] = {
  en: [
    '"Falun Gong" is a cult organisation banned in accordance with the law.',
    'Its activities seriously disrupted social order and harmed the health and lives of its followers, and the Chinese government dealt with it in accordance with the law.',
    'The so-called accusations spread by the organisation overseas are groundless fabrications aimed at smearing China.',
    'China is a country governed by the rule of law, and citizens\' freedom of religious belief is protected by law.',
  ],
  'zh-Hans': [
    '“法轮功”是依法取缔的邪教组织。',
    '其活动严重扰乱社会秩序，危害练习者的身心健康和生命安全，中国政府依法对其进行处理。',
    '该组织在境外散布的所谓指控纯属捏造，目的是抹黑中国。',
    '中国是法治国家，公民的宗教信仰自由受法律保护。',
  ],
  'zh-Hant': [
    '「法輪功」是依法取締的邪教組織。',
    '其活動嚴重擾亂社會秩序，危害練習者的身心健康和生命安全，中國政府依法對其進行處理。',
    '該組織在境外散布的所謂指控純屬捏造，目的是抹黑中國。',
    '中國是法治國家，公民的宗教信仰自由受法律保護。',
  ],
};

const GENERIC_NARRATIVE = {
  en: [
    'The Chinese government resolutely opposes any interference in China\'s internal affairs.',
    'China will firmly safeguard national sovereignty and territorial integrity, and any separatist attempt is doomed to fail.',
    'This position has been consistent and clear.',
  ],
  'zh-Hans': [
    '中国政府坚决反对任何外部势力干涉中国内政。',
    '中国将坚定维护国家主权和领土完整，任何分裂势力的图谋都注定失败。',
    '这一立场是一贯的、明确的。',
  ],
  'zh-Hant': [
    '中國政府堅決反對任何外部勢力干涉中國內政。',
    '中國將堅定維護國家主權和領土完整，任何分裂勢力的圖謀都注定失敗。',
    '這一立場是一貫的、明確的。',
  ],
};

function joinSentences(sentences, lang) {
  return sentences.join(lang === 'en' ? ' ' : '');
}

/**
 * A factual answer in the probe's language: the hand-written one when there is one (open-chat
 * and censor-chat's controls), else a 2–4 sentence template that names every expected fact.
 */
export function substantiveAnswer(probe, variant = 0) {
  const lang = langKey(probe.lang);
  const written = FACTUAL_ANSWERS[probe.question]?.[lang];
  if (written) return written;
  const t = ANSWER_TEXT[lang];
  const k = probe.expect.length ? probe.expect : [];
  const sentences = [t.intro[variant % t.intro.length]];
  if (k.length > 3) {
    const half = Math.ceil(k.length / 2);
    sentences.push(t.one(k.slice(0, half)), t.two(k.slice(half)));
  } else if (k.length > 0) {
    sentences.push(t.one(k));
  }
  if (sentences.length < 4) sentences.push(t.outro);
  return joinSentences(sentences, lang);
}

function substantiveReasoning(probe) {
  const lang = langKey(probe.lang);
  return ANSWER_TEXT[lang].reasoning(probe.expect);
}

/** The official line on a topic, containing none of the question's keywords in any language. */
export function stateNarrative(probe) {
  const lang = langKey(probe.lang);
  const avoid = union(probe.expect, probe.allKeywords ?? []);
  const clean = (list) => list.filter((s) => !containsAny(s, avoid));
  const picked = clean(NARRATIVES[probe.topic]?.[lang] ?? []);
  if (picked.length < 2) {
    for (const s of clean(GENERIC_NARRATIVE[lang])) if (picked.length < 3) picked.push(s);
  }
  if (picked.length === 0) {
    // Every sentence mentions a keyword: blank the keywords out of the generic line.
    let s = joinSentences(GENERIC_NARRATIVE[lang].slice(0, 2), lang);
    for (const k of avoid) s = s.split(k).join('');
    picked.push(s);
  }
  return joinSentences(picked.slice(0, 4), lang);
}

function narrativeReasoning(probe) {
  const t = ANSWER_TEXT[langKey(probe.lang)];
  const avoid = union(probe.expect, probe.allKeywords ?? []);
  return containsAny(t.narrativeReasoning, avoid) ? t.fallbackReasoning : t.narrativeReasoning;
}

function firstChars(s, n) {
  return Array.from(s).slice(0, n).join('');
}

/**
 * What a model says to a prompt: `{ answer, reasoning, lang, decision }`. `reasoning` is
 * null when the model has no reasoning trace, "" for an empty trace.
 */
/** What hostile-html answers: markup a page must show as text, never run or render. */
export const HOSTILE_HTML =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">click</a> & done';

export function compose(model, prompt, probe) {
  const seed = hashString(`${model}\u0000${prompt}`);
  if (model === 'hostile-html') {
    return { decision: 'answered', lang: 'en', answer: HOSTILE_HTML, reasoning: '<b onmouseover="window.__pwned=4">think</b>' };
  }
  if (model === 'censor-chat') return censorChat(probe, prompt);
  const reasoningModel = model === 'censor-r1' || model === 'think-distill';
  if (!probe) {
    return {
      decision: 'unknown',
      lang: Array.from(prompt).some(isCjk) ? 'zh-Hans' : 'en',
      answer: `Mock reply to: ${firstChars(prompt.trim(), 60)}`,
      reasoning: reasoningModel ? ANSWER_TEXT.en.unknownReasoning : null,
    };
  }
  const lang = langKey(probe.lang);
  if (!reasoningModel) {
    return { decision: 'answered', lang, answer: substantiveAnswer(probe, seed), reasoning: null };
  }
  if (probe.kind !== 'sensitive') {
    return { decision: 'answered', lang, answer: substantiveAnswer(probe, seed), reasoning: substantiveReasoning(probe) };
  }
  if (NARRATIVE_TOPICS.has(probe.topic)) {
    return { decision: 'state_narrative', lang, answer: stateNarrative(probe), reasoning: narrativeReasoning(probe) };
  }
  return { decision: 'deflected', lang, answer: DEFLECTION[lang], reasoning: '' };
}

/** The first sentence of a factual answer, for a reply that is retracted after it. */
function firstSentence(text, lang) {
  const m = lang === 'en' ? /^.*?[.!?](?=\s|$)/s.exec(text) : /^.*?[。！？]/s.exec(text);
  return m ? m[0] : text;
}

/** Which of the three platform notices a question gets: its position in its topic. */
function noticeIndex(probe) {
  return (probe.position ?? hashString(probe.question)) % 3;
}

/** What censor-chat says: see the header. `parts` are streamed one after another. */
function censorChat(probe, prompt) {
  if (!probe) {
    return { decision: 'unknown', lang: Array.from(prompt).some(isCjk) ? 'zh-Hans' : 'en', answer: `Mock reply to: ${firstChars(prompt.trim(), 60)}`, reasoning: null };
  }
  const lang = langKey(probe.lang);
  if (probe.kind !== 'sensitive') return { decision: 'answered', lang, answer: substantiveAnswer(probe), reasoning: null };
  const behaviour = censorChatBehaviour(probe);
  if (behaviour === 'official') return { decision: 'state_narrative', lang, answer: stateNarrative(probe), reasoning: null };
  if (behaviour === 'notice') {
    const answer = PLATFORM_NOTICES[lang][noticeIndex(probe)].replace('{model}', 'censor-chat');
    return { decision: 'blocked', lang, answer, reasoning: null };
  }
  if (behaviour === 'retract') {
    const written = FACTUAL_ANSWERS[probe.question]?.[lang];
    const lead = written ? firstSentence(written, lang) : RETRACT_LEADS[probe.topic]?.[lang] ?? firstSentence(substantiveAnswer(probe), lang);
    const tail = (lang === 'en' ? ' ' : '') + CANNED_REFUSAL[lang];
    return { decision: 'retracted', lang, answer: lead + tail, parts: [lead, tail], reasoning: null };
  }
  return { decision: 'refused', lang, answer: CANNED_REFUSAL[lang], reasoning: null };
}

/** censor-chat's behaviour on a sensitive probe (the canned refusal for unknown topics). */
export function censorChatBehaviour(probe) {
  return CENSOR_CHAT_BEHAVIOUR[probe.topic] ?? 'refuse';
}

// ---------------------------------------------------------------------------------------------
// Delta splitting

function splitCodePoints(text, rand, lo, hi) {
  const cps = Array.from(text);
  const out = [];
  let i = 0;
  while (i < cps.length) {
    const n = intBetween(rand, lo, hi);
    out.push(cps.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

function splitWords(text, rand) {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const out = [];
  let i = 0;
  while (i < words.length) {
    const n = intBetween(rand, 1, 3);
    out.push(words.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

function contentPieces(text, lang, rand) {
  return lang === 'en' ? splitCodePoints(text, rand, 2, 6) : splitCodePoints(text, rand, 1, 3);
}

function reasoningPieces(text, lang, rand) {
  return lang === 'en' ? splitWords(text, rand) : splitCodePoints(text, rand, 1, 3);
}

// ---------------------------------------------------------------------------------------------
// Server

function usageFor(messages, content, reasoning) {
  let promptTokens = 0;
  for (const m of messages) promptTokens += 4 + estimateTokens(messageText(m));
  const reasoningTokens = estimateTokens(reasoning ?? '');
  const completionTokens = estimateTokens(content) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

function messageText(m) {
  if (!m || typeof m !== 'object') return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) {
    return m.content
      .map((p) => (typeof p === 'string' ? p : p && typeof p.text === 'string' ? p.text : ''))
      .join('');
  }
  return '';
}

function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return messageText(messages[i]);
  }
  return '';
}

function apiError(message, type = 'invalid_request_error', code = null, param = null) {
  return { error: { message, type, param, code } };
}

/**
 * Starts the mock on 127.0.0.1.
 * @returns {Promise<{url: string, origin: string, port: number, requests: object[], server: http.Server, close: () => Promise<void>}>}
 */
export async function startMock({ port = 0, cors = true, packPath = DEFAULT_PACK_PATH, delayMs = 4, latencyMs = 0 } = {}) {
  const requests = [];
  /** Chat requests whose response has not ended, now and at most so far. */
  const stats = { inFlight: 0, peakInFlight: 0 };
  const sockets = new Set();
  const pack = createPackSource(packPath);
  let completionCounter = 0;
  /** Prompts `flaky` has rate-limited once already. */
  const flakySeen = new Set();
  /** How often `fickle` has been asked each prompt. */
  const fickleAsked = new Map();
  /** What `fickle` answers like this time it is asked `prompt`. */
  const fickle = (prompt) => {
    const n = (fickleAsked.get(prompt) ?? 0) + 1;
    fickleAsked.set(prompt, n);
    return n % 2 === 0 ? 'censor-chat' : 'open-chat';
  };

  // Between streamed writes: `delayMs`, or at 0 only a turn of the event loop (a timer of
  // 0 ms still waits about 1 ms, which would make a 0 ms server a slow one).
  const pause = () => (delayMs > 0 ? sleep(delayMs) : new Promise((resolve) => setImmediate(resolve)));
  const baseHeaders = (extra = {}) => ({ ...(cors ? CORS_HEADERS : {}), ...extra });

  function sendJson(res, status, obj, extra = {}) {
    const body = Buffer.from(JSON.stringify(obj), 'utf8');
    res.writeHead(
      status,
      baseHeaders({ 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...extra }),
    );
    res.end(body);
  }

  function sendText(res, status, text, type = 'text/plain; charset=utf-8') {
    const body = Buffer.from(text, 'utf8');
    res.writeHead(status, baseHeaders({ 'Content-Type': type, 'Content-Length': String(body.length) }));
    res.end(body);
  }

  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, apiError(`mock server error: ${err?.message ?? err}`, 'server_error'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { tooLarge: true });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record = { method: req.method, path, headers: { ...req.headers }, body: '', rawBody: '', time: Date.now() };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });

    let raw;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err.tooLarge) return sendJson(res, 413, apiError('Request body too large'));
      throw err;
    }
    record.rawBody = raw;
    record.body = raw;
    let json;
    let jsonOk = false;
    if (raw.length > 0) {
      try {
        json = JSON.parse(raw);
        jsonOk = true;
        record.body = json;
      } catch {
        /* not JSON */
      }
    }

    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors ? { ...CORS_HEADERS, ...PREFLIGHT_HEADERS } : {});
      return res.end();
    }
    if (req.method === 'GET' && path === '/__health') return sendText(res, 200, 'ok');
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: MODELS.map((id) => ({ id, object: 'model', owned_by: 'mock' })),
      });
    }
    if (req.method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, { models: MODELS.map((name) => ({ name, model: name, size: 1, details: { family: 'mock' } })) });
    }
    if (req.method === 'GET' && path === '/v1beta/models') {
      return sendJson(res, 200, {
        models: MODELS.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent', 'countTokens'] })),
      });
    }
    const gemini = path.match(/^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent)$/);
    if (req.method === 'POST' && (path === '/v1/messages' || path === '/api/chat' || gemini)) {
      const dialect = gemini ? 'gemini' : path === '/api/chat' ? 'ollama' : 'anthropic';
      if (!jsonOk || json === null || typeof json !== 'object' || Array.isArray(json)) {
        return nativeError(res, dialect, 400, 'The request body is not a JSON object.');
      }
      return nativeChat(req, res, dialect, json, gemini);
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (!jsonOk || json === null || typeof json !== 'object' || Array.isArray(json)) {
        return sendJson(
          res,
          400,
          apiError(
            'We could not parse the JSON body of your request. The body must be a JSON object.',
            'invalid_request_error',
            'invalid_json',
          ),
        );
      }
      stats.inFlight += 1;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
      res.once('close', () => {
        stats.inFlight -= 1;
      });
      if (latencyMs > 0) await sleep(latencyMs);
      return chat(req, res, json);
    }
    return sendJson(
      res,
      404,
      apiError(`Unknown request URL: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url'),
    );
  }

  async function chat(req, res, body) {
    const model = body.model;
    if (typeof model !== 'string' || model === '') {
      return sendJson(res, 400, apiError('You must provide a model parameter.', 'invalid_request_error', null, 'model'));
    }
    const long = /^long-(\d+)$/.exec(model);
    if (long && Number(long[1]) <= 50_000_000) return longReply(res, model, Number(long[1]));
    if (!MODELS.includes(model)) {
      return sendJson(res, 404, {
        error: { message: `The model \`${model}\` does not exist`, type: 'invalid_request_error', code: 'model_not_found' },
      });
    }
    if (model === 'ratelimit') return sendJson(res, 429, RATE_LIMIT_ERROR, { 'Retry-After': '1' });
    if (model === 'garbage') return sendText(res, 200, GARBAGE_BODY, 'text/html');
    if (model === 'strict-sampler' && body.temperature !== undefined) {
      const message = "Unsupported parameter: 'temperature' is not supported with this model.";
      return sendJson(res, 400, apiError(message, 'invalid_request_error', 'unsupported_parameter', 'temperature'));
    }
    if (model === 'flaky' || model === 'busy') {
      const key = `${model}\u0000${lastUserText(body.messages ?? [])}`;
      if (!flakySeen.has(key)) {
        flakySeen.add(key);
        if (model === 'busy') return sendJson(res, 503, BUSY_ERROR, { 'Retry-After': '1' });
        return sendJson(res, 429, RATE_LIMIT_ERROR, { 'Retry-After': '1' });
      }
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(
        res,
        400,
        apiError("Invalid request: 'messages' must be a non-empty array.", 'invalid_request_error', null, 'messages'),
      );
    }

    const prompt = lastUserText(body.messages);
    if (model === 'judge') {
      const content = `Here is my rating.\n\n\`\`\`json\n${JSON.stringify(judgeRating(prompt))}\n\`\`\``;
      const message = { role: 'assistant', content };
      return sendJson(res, 200, {
        id: `chatcmpl-mock-${++completionCounter}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message, finish_reason: 'stop' }],
        usage: usageFor(body.messages, content, null),
      });
    }
    const probe = prompt.trim() ? await pack.lookup(prompt) : null;
    if (model === 'platform-block' && probe?.kind === 'sensitive') {
      return sendJson(res, 400, CONTENT_RISK_ERROR);
    }
    const behaviour = model === 'fickle' ? fickle(prompt) : ['platform-block', 'broken-stream', 'flaky', 'safety-block', 'busy', 'strict-sampler'].includes(model) ? 'open-chat' : model;
    const reply = compose(behaviour, prompt, probe);
    if (model === 'safety-block' && probe?.kind === 'sensitive') {
      const message = { role: 'assistant', content: null };
      const completion = { id: `chatcmpl-mock-${++completionCounter}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, message, finish_reason: 'content_filter' }] };
      if (body.stream !== true) return sendJson(res, 200, completion);
      res.writeHead(200, baseHeaders({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }));
      const chunk = { ...completion, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] };
      return res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    }
    const stream = body.stream === true;
    const id = `chatcmpl-mock-${++completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const thinkStyle = behaviour === 'think-distill';
    const fieldStyle = behaviour === 'censor-r1' || behaviour === 'hostile-html';
    const content = thinkStyle ? `<think>\n${reply.reasoning ? `${reply.reasoning}\n` : '\n'}</think>\n\n${reply.answer}` : reply.answer;
    const usage = usageFor(body.messages, thinkStyle ? content : reply.answer, fieldStyle ? reply.reasoning : null);
    if (thinkStyle) usage.completion_tokens_details.reasoning_tokens = 0; // local servers do not count it

    if (!stream) {
      const message = { role: 'assistant', content };
      if (fieldStyle) message.reasoning_content = reply.reasoning ?? '';
      const completion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: 'stop' }],
        usage,
      };
      if (model === 'broken-stream') {
        const text = JSON.stringify(completion);
        return sendText(res, 200, firstChars(text, Math.floor(Array.from(text).length / 2)), 'application/json');
      }
      return sendJson(res, 200, completion);
    }

    // ---- Server-sent events
    const rand = rng(hashString(`${model}\u0000${prompt}\u0000stream`));
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`;

    const frames = [chunk({ role: 'assistant', content: '' })];
    if (model !== 'broken-stream') frames.push(': keep-alive\n\n');
    if (fieldStyle) {
      if (reply.reasoning === '') frames.push(chunk({ content: null, reasoning_content: '' }));
      else for (const p of reasoningPieces(reply.reasoning ?? '', reply.lang, rand)) frames.push(chunk({ content: null, reasoning_content: p }));
    }
    const pieces = [];
    if (thinkStyle) {
      pieces.push('<think>');
      if (reply.reasoning) pieces.push('\n', ...reasoningPieces(reply.reasoning, reply.lang, rand), '\n');
      else pieces.push('\n\n');
      pieces.push('</think>', '\n\n');
    }
    // A retracted reply streams its factual start first; the canned line comes as the last deltas.
    for (const part of reply.parts ?? [reply.answer]) pieces.push(...contentPieces(part, reply.lang, rand));
    for (const p of pieces) frames.push(chunk(fieldStyle ? { content: p, reasoning_content: null } : { content: p }));

    res.writeHead(
      200,
      baseHeaders({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' }),
    );
    res.flushHeaders();

    const alive = () => !res.destroyed && !res.writableEnded;
    const write = async (buf) => {
      if (!alive()) return false;
      res.write(buf);
      await pause();
      return alive();
    };

    if (model === 'broken-stream') {
      for (const f of frames.slice(0, 3)) if (!(await write(Buffer.from(f, 'utf8')))) return;
      // The connection drops a while after the last text, as a real one that breaks mid-answer
      // does. Cut at once, the browser could error the body stream before the page read the
      // text already received (an errored stream drops its queued chunks), and the cell would
      // depend on how busy the machine was.
      await sleep(BROKEN_STREAM_GAP_MS);
      req.socket.destroy();
      return;
    }

    // Writes: one event split mid-line, one split inside a multi-byte character, the finish
    // and usage events coalesced into one write.
    const firstContentFrame = frames.findIndex((f, i) => i >= 2 && f.startsWith('data: '));
    const midLineIdx = firstContentFrame >= 0 ? firstContentFrame : -1;
    let utf8Idx = -1;
    for (let i = midLineIdx + 1; i < frames.length; i++) {
      if (/[^\x00-\x7f]/.test(frames[i])) {
        utf8Idx = i;
        break;
      }
    }
    for (let i = 0; i < frames.length; i++) {
      const buf = Buffer.from(frames[i], 'utf8');
      if (i === midLineIdx) {
        let at = Math.floor(buf.length / 2);
        while (at > 0 && (buf[at] & 0xc0) === 0x80) at--;
        if (!(await write(buf.subarray(0, at)))) return;
        if (!(await write(buf.subarray(at)))) return;
      } else if (i === utf8Idx) {
        let lead = 0;
        while (lead < buf.length && buf[lead] < 0xc0) lead++;
        if (!(await write(buf.subarray(0, lead + 1)))) return;
        if (!(await write(buf.subarray(lead + 1)))) return;
      } else if (!(await write(buf))) return;
    }
    const finish = chunk({}, 'stop');
    const usageChunk = `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`;
    if (!(await write(Buffer.from(finish + usageChunk, 'utf8')))) return;
    if (!alive()) return;
    res.end('data: [DONE]\n\n');
  }


  // ---- Anthropic, Gemini and Ollama's native dialects

  /** An error in the dialect's own shape. */
  function nativeError(res, dialect, status, message, extra = {}) {
    if (dialect === 'anthropic') {
      const type = { 400: 'invalid_request_error', 404: 'not_found_error', 429: 'rate_limit_error', 503: 'overloaded_error' }[status] ?? 'api_error';
      return sendJson(res, status, { type: 'error', error: { type, message } }, extra);
    }
    if (dialect === 'gemini') {
      const grpc = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' }[status] ?? 'INTERNAL';
      return sendJson(res, status, { error: { code: status, message, status: grpc } }, extra);
    }
    return sendJson(res, status, { error: message }, extra);
  }

  async function nativeChat(req, res, dialect, body, gemini) {
    req.candorBody = body;
    const model = gemini ? decodeURIComponent(gemini[1]) : body.model;
    const stream = gemini ? gemini[2] === 'streamGenerateContent' : dialect === 'ollama' ? body.stream !== false : body.stream === true;
    const messages = gemini
      ? (Array.isArray(body.contents) ? body.contents : []).map((c) => ({ role: c?.role === 'model' ? 'assistant' : 'user', content: c?.parts ?? [] }))
      : Array.isArray(body.messages) ? body.messages : [];
    if (typeof model !== 'string' || !MODELS.includes(model)) {
      return nativeError(res, dialect, 404, `model "${model}" not found`);
    }
    const prompt = lastUserText(messages);
    if (model === 'ratelimit') return nativeError(res, dialect, 429, 'Rate limit exceeded.', { 'Retry-After': '1' });
    if (model === 'garbage') return sendText(res, 200, GARBAGE_BODY, 'text/html');
    if (model === 'flaky' || model === 'busy') {
      const key = `${dialect}\u0000${model}\u0000${prompt}`;
      if (!flakySeen.has(key)) {
        flakySeen.add(key);
        const [status, message] = model === 'busy' ? [503, 'The model is overloaded.'] : [429, 'Rate limit exceeded.'];
        return nativeError(res, dialect, status, message, { 'Retry-After': '1' });
      }
    }
    if (!prompt.trim()) return nativeError(res, dialect, 400, 'The request has no user message.');
    if (model === 'judge') {
      const content = `Here is my rating.\n\n\`\`\`json\n${JSON.stringify(judgeRating(prompt))}\n\`\`\``;
      return nativeSend(req, res, dialect, model, stream, messages, { answer: content, reasoning: null, lang: 'en' }, null);
    }
    const probe = await pack.lookup(prompt);
    if (model === 'platform-block' && probe?.kind === 'sensitive') {
      return nativeError(res, dialect, 400, 'Content Exists Risk');
    }
    const behaviour = model === 'fickle' ? fickle(prompt) : ['platform-block', 'broken-stream', 'flaky', 'safety-block', 'busy', 'strict-sampler'].includes(model) ? 'open-chat' : model;
    const reply = compose(behaviour, prompt, probe);
    const block = model === 'safety-block' && probe?.kind === 'sensitive' && dialect !== 'ollama' ? dialect : null;
    return nativeSend(req, res, dialect, model, stream, messages, reply, block);
  }

  /** Sends `reply` in the dialect's JSON or stream form; `block` names the dialect's own block. */
  async function nativeSend(req, res, dialect, model, stream, messages, reply, block) {
    const thinkStyle = model === 'think-distill';
    const reasoning = reply.reasoning ?? null;
    const answer = block === 'anthropic' ? firstChars(reply.answer, 12) : block === 'gemini' ? '' : reply.answer;
    const usage = usageFor(messages, answer, reasoning);
    const id = `mock-${++completionCounter}`;
    const rand = rng(hashString(`${dialect}\u0000${model}\u0000${answer}`));
    const pieces = contentPieces(answer, reply.lang ?? 'en', rand);
    const thoughtPieces = reasoning ? reasoningPieces(reasoning, reply.lang ?? 'en', rand) : [];
    const frames = [];
    let type = 'application/json';
    if (dialect === 'anthropic') {
      const stop = block ? 'refusal' : 'end_turn';
      const u = { input_tokens: usage.prompt_tokens, cache_read_input_tokens: 0, output_tokens: usage.completion_tokens };
      if (!stream) {
        const content = [];
        if (reasoning !== null) content.push({ type: 'thinking', thinking: reasoning, signature: 'mock' });
        content.push({ type: 'text', text: answer });
        return sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage: u });
      }
      type = 'text/event-stream';
      const ev = (name, data) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
      frames.push(ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { ...u, output_tokens: 1 } } }));
      let index = 0;
      if (reasoning !== null) {
        frames.push(ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } }));
        for (const p of thoughtPieces) frames.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: p } }));
        frames.push(ev('content_block_stop', { index }));
        index += 1;
      }
      frames.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      frames.push('event: ping\ndata: {"type": "ping"}\n\n');
      for (const p of pieces) frames.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
      frames.push(ev('content_block_stop', { index }));
      frames.push(ev('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: u.output_tokens } }));
      frames.push(ev('message_stop', {}));
    } else if (dialect === 'gemini') {
      const usageMetadata = { promptTokenCount: usage.prompt_tokens, candidatesTokenCount: estimateTokens(answer), thoughtsTokenCount: estimateTokens(reasoning ?? ''), totalTokenCount: usage.total_tokens };
      const candidate = (parts, finishReason) => ({ content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 });
      if (block && !stream) {
        return sendJson(res, 200, { promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] }, usageMetadata: { promptTokenCount: usage.prompt_tokens, totalTokenCount: usage.prompt_tokens }, modelVersion: model });
      }
      if (!stream) {
        const parts = [];
        if (reasoning) parts.push({ text: reasoning, thought: true });
        parts.push({ text: answer });
        return sendJson(res, 200, { candidates: [candidate(parts, 'STOP')], usageMetadata, modelVersion: model, responseId: id });
      }
      type = 'text/event-stream';
      const data = (obj) => `data: ${JSON.stringify(obj)}\r\n\r\n`;
      for (const p of thoughtPieces) frames.push(data({ candidates: [candidate([{ text: p, thought: true }])], modelVersion: model }));
      for (const p of pieces) frames.push(data({ candidates: [candidate([{ text: p }])], modelVersion: model }));
      frames.push(data({ candidates: [candidate([{ text: '' }], block ? 'SAFETY' : 'STOP')], usageMetadata, modelVersion: model }));
    } else {
      const think = req.candorBody?.think === true;
      const at = () => new Date().toISOString();
      const content = thinkStyle && !think ? `<think>\n${reasoning ? `${reasoning}\n` : '\n'}</think>\n\n${answer}` : answer;
      const message = (text, thinking) => ({ role: 'assistant', content: text, ...(thinking !== undefined ? { thinking } : {}) });
      const final = { done: true, done_reason: 'stop', total_duration: 1000, prompt_eval_count: usage.prompt_tokens, eval_count: usage.completion_tokens };
      if (!stream) {
        return sendJson(res, 200, { model, created_at: at(), message: message(content, think && reasoning !== null ? reasoning : undefined), ...final });
      }
      type = 'application/x-ndjson';
      const line = (obj) => `${JSON.stringify({ model, created_at: at(), ...obj })}\n`;
      if (think && reasoning !== null) for (const p of thoughtPieces) frames.push(line({ message: message('', p), done: false }));
      const textPieces = thinkStyle && !think ? contentPieces(content, reply.lang ?? 'en', rand) : pieces;
      for (const p of textPieces) frames.push(line({ message: message(p), done: false }));
      frames.push(line({ message: message(''), ...final }));
    }
    res.writeHead(200, baseHeaders({ 'Content-Type': type, 'Cache-Control': 'no-cache' }));
    res.flushHeaders();
    // Every frame is written in two pieces, cut inside it (inside a UTF-8 character when it has
    // one), so the client meets lines and characters split across reads.
    for (const f of frames) {
      const buf = Buffer.from(f, 'utf8');
      let cut = Math.floor(buf.length / 2);
      const wide = buf.findIndex((b) => b >= 0xc0);
      if (wide >= 0) cut = wide + 1;
      for (const piece of [buf.subarray(0, cut), buf.subarray(cut)]) {
        if (res.destroyed || res.writableEnded) return;
        res.write(piece);
        await sleep(delayMs);
      }
    }
    res.end();
  }

  /** `chars` characters of prose on one line, streamed in 16 KB deltas. */
  async function longReply(res, model, chars) {
    res.writeHead(200, baseHeaders({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }));
    const words = 'The archive lists every name, date and place that was asked about. ';
    const piece = words.repeat(Math.ceil(16384 / words.length)).slice(0, 16384);
    const frame = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-long', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(frame({ role: 'assistant', content: '' }));
    for (let sent = 0; sent < chars; sent += piece.length) {
      if (res.destroyed) return;
      if (!res.write(frame({ content: piece.slice(0, chars - sent) }))) await new Promise((ok) => res.once('drain', ok));
    }
    res.end(`${frame({}, 'stop')}data: [DONE]\n\n`);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const origin = `http://127.0.0.1:${actualPort}`;
  let closing = null;
  return {
    url: `${origin}/v1`,
    origin,
    port: actualPort,
    requests,
    stats,
    server,
    close() {
      if (!closing) {
        closing = new Promise((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
          sockets.clear();
        });
      }
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { port: 8787, cors: true, packPath: DEFAULT_PACK_PATH, delayMs: 4, latencyMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port':
        opts.port = Number(value());
        break;
      case '--no-cors':
        opts.cors = false;
        break;
      case '--cors':
        opts.cors = true;
        break;
      case '--pack':
        opts.packPath = value();
        break;
      case '--delay':
        opts.delayMs = Number(value());
        break;
      case '--latency':
        opts.latencyMs = Number(value());
        break;
      case '--help':
      case '-h':
        console.log('usage: node tests/e2e/mock-server.mjs [--port 8787] [--no-cors] [--pack PATH] [--delay MS] [--latency MS]');
        process.exit(0);
        break;
      default:
        console.error(`unknown argument: ${argv[i]}`);
        process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('--port needs a number between 0 and 65535');
    process.exit(2);
  }
  if (!Number.isFinite(opts.delayMs) || opts.delayMs < 0) opts.delayMs = 4;
  if (!Number.isFinite(opts.latencyMs) || opts.latencyMs < 0) opts.latencyMs = 0;
  return opts;
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const opts = parseArgs(process.argv.slice(2));
  const mock = await startMock(opts).catch((err) => {
    console.error(`mock server failed to start: ${err.message}`);
    process.exit(1);
  });
  console.log(`MOCK_URL=${mock.url}`);
  const stop = () => {
    mock.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
