import type { Entities } from '../text/entities.ts';

/**
 * The phrases that steer the bot's turn where the intent classifier alone cannot: asking for a person or to
 * complain, admitting a mistake, asking in general rather than about one's own transfer, a follow-up with no topic
 * of its own, "that didn't help". Chinese (Simplified and Traditional) and English, as customers type them.
 */

/** Said in any language: the customer wants a person. Checked before the classifier so it always works. */
const HUMAN_REQUEST =
  /[转轉]人工|人工客服|人工服[务務]|找人工|要人工|真人|活人|^\s*人工\s*[!！。.?？]*\s*$|\b(human|real person|live (agent|person|chat)|talk to (an? |a real )?(agent|person|someone|human)|speak (to|with) (an? )?(agent|person|someone|human|representative)|representative|operator)\b|^\s*agent\s*[!.?]*\s*$/i;

export function wantsHuman(text: string): boolean {
  return HUMAN_REQUEST.test(text);
}

/** A short question that leans on what came before: "要多久", "现在呢", "why?", "how long". */
const FOLLOW_UP_CUE =
  /多久|多长时间|多長時間|什么时候|什麼時候|啥时候|啥時候|几时|幾時|为什么|為什麼|为啥|為啥|怎么回事|怎麼回事|然后呢|然後呢|现在呢|現在呢|进度|進度|还要等|還要等|\b(how long|when|why|what now|and now|now what|any update|update|status|eta)\b/i;

/** Worth reading together with the customer's last topic: short, and asking something only that topic explains. */
export function readsAsFollowUp(text: string): boolean {
  return Array.from(text.trim()).length <= 40 && FOLLOW_UP_CUE.test(text);
}

const FOLLOW_UP_CUE_ALL = new RegExp(FOLLOW_UP_CUE.source, 'gi');
const FOLLOW_UP_FILLER =
  /[\s\p{P}\p{S}]|呢|啊|呀|吧|了|吗|嗎|的|还|還|要|等|到底|请问|請問|会|會|这样|這樣|那样|那樣|这么|這麼|那么|那麼|慢|久|\b(is|it|the|so|still|please|and|then|what|about|take|taking|will|does|do|slow|long)\b/giu;

/** "现在呢？", "how long?": nothing but the follow-up itself, so it can only be about the last topic. */
export function isBareFollowUp(text: string): boolean {
  return readsAsFollowUp(text) && text.replace(FOLLOW_UP_CUE_ALL, '').replace(FOLLOW_UP_FILLER, '').length === 0;
}

/**
 * An explicit wish to complain, or a demand for compensation, whatever it is about ("my futures were liquidated… I want
 * a formal complaint", "我要求赔偿"): only people can decide those.
 */
const COMPLAINT_REQUEST =
  /我要投[诉訴]|要投[诉訴]|想投[诉訴]|投[诉訴]你[们們]|正式投[诉訴]|[举舉][报報]你[们們]|\b(formal complaint|(file|make|lodge|raise|submit|open) an? (formal )?complaint|i want to complain|i('m| am) complaining|escalate (this|my (case|complaint))|compensate me|(want|demand|ask for|claim) (a )?compensation|refund me|want my money back|reimburse me|who (is|will be) responsible|who (will )?covers? my loss(es)?)\b|赔偿|賠償|补偿我|補償我|把钱还给我|把錢還給我|谁负责|誰負責|谁来负责|誰來負責/i;

export function wantsToComplain(text: string): boolean {
  return COMPLAINT_REQUEST.test(text);
}

/** What a customer says when the deposit went wrong, not just late: a wrong network or a forgotten memo/tag. */
const MISTAKE_CUE =
  /错|錯|不对|不對|忘|漏|没填|沒填|没写|沒寫|没有填|没带|沒帶|不小心|wrong|mistak|incorrect|forgot|without (a |the )?(memo|tag)|no (memo|tag)|missing (memo|tag)|instead of|by accident|accidentally/i;

export function admitsMistake(text: string): boolean {
  return MISTAKE_CUE.test(text);
}

/** What a customer says when their 2FA is gone or broken, not when they ask how to switch it on. */
const TWOFA_TROUBLE_CUE =
  /丢|丟|[换換](了)?(新)?(手机|手機|机|機)|重置|解[绑綁]|收不到|不[对對]|[错錯]误|[错錯]誤|无效|無效|失效|[删刪]|没了|沒了|不[见見]|忘|坏|壞|不能用|用不了|进不去|進不去|登不上|\b(lost|lose|reset|new phone|changed (my )?phone|can'?t|cannot|unable|not working|invalid|wrong|deleted|uninstalled|broken?|stolen|disable|remove|unbind|no access|don'?t have|doesn'?t work|incorrect|fail(ed|s)?|locked out)\b/i;

/** The customer says they were already cheated: money sent or codes given to a fraudster. */
const SCAMMED =
  /被骗|被騙|骗了我|騙了我|骗走|騙走|上当|上當|被诈骗|被詐騙|(放币|放幣)了?.{0,8}(没|沒|未)(付|收到|到账|到帳)|\b(scammed|defrauded|conned|got tricked|was tricked|fell for|released .{0,30}(never|not|didn'?t) (paid|pay|receive))\b/i;

export function reportsScam(text: string): boolean {
  return SCAMMED.test(text);
}

/** The authenticator (2FA) itself, as opposed to a code sent by SMS or e-mail. */
const AUTHENTICATOR =
  /谷歌|google|2fa|authenticator|验证器|驗證器|两步|兩步|二次验证|二次驗證|双重|雙重|otp|mfa|two[- ]?factor|passkey|通行密钥|通行密鑰/i;

export function mentionsAuthenticator(text: string): boolean {
  return AUTHENTICATOR.test(text);
}

/** Asking how to keep an account safe, as opposed to reporting that it is not. */
const PREVENTION_CUE =
  /防止|预防|預防|防范|防範|防盗|防盜|(如何|怎么|怎麼|怎样|怎樣)(保护|保護)|\b(prevent|protect|avoid|keep (it|my account|my funds) safe|secure my|what happens if|in case)\b/i;
const INCIDENT_CUE =
  /(被盗|被盜|被黑|盗|盜)了|已经被|已經被|不是我|陌生|异常登录|異常登入|被转走|被轉走|被人|有人(登录|登入|动|動|转|轉|改|用)|\b((was|got|been|is|were) (hacked|stolen|compromised|drained)|someone (logged|accessed|withdrew|took|changed|is)|not me|unauthori[sz]ed|unknown (login|device))\b/i;

/**
 * The classifier's intent, corrected where one cue decides between two neighbours it confuses. "How do I turn on
 * 2FA?" and "how do I protect my account from hackers?" are setting the account up (getting_started), not a lost
 * authenticator that needs an identity case or a break-in that needs the security team now.
 */
export function settleIntent(intent: string, text: string): string {
  if (intent === 'twofa_reset' && !TWOFA_TROUBLE_CUE.test(text)) return 'getting_started';
  if (intent === 'account_compromised' && PREVENTION_CUE.test(text) && !INCIDENT_CUE.test(text)) {
    return 'getting_started';
  }
  return intent;
}

/** A deposit the customer is waiting for, as opposed to a question about how deposits work. */
const NOT_ARRIVED_CUE =
  /[没沒]到|未到|[没沒]收到|[没沒]有到|[还還][没沒]|不[见見]|[没沒]入[账賬帳]|[没沒]上[账賬帳]|卡住|\b(not (arrived|credited|received|showing|there)|hasn'?t (arrived|come|shown)|haven'?t (received|got)|didn'?t (arrive|get|receive)|never (arrived|came|showed|credited|received|got)|(isn'?t|not|never) showing|can'?t see|don'?t see|didn'?t show|missing|still waiting|pending|stuck|where is)\b/i;

export function saysNotArrived(text: string): boolean {
  return NOT_ARRIVED_CUE.test(text);
}

/** An OTC trade the customer is waiting on: "not settled", "还没结算", "结算失败", or anything not arrived. */
const NOT_SETTLED_CUE =
  /[没沒未][有]?[结結]算|[结結]算(延迟|延遲|失败|失敗|卡|中|不了)|待[结結]算|\b(not (been )?settled|hasn'?t settled|unsettled|settlement (is )?(late|delayed|stuck|failed|pending)|settled short|partially settled)\b/i;

export function saysNotSettled(text: string): boolean {
  return NOT_SETTLED_CUE.test(text) || NOT_ARRIVED_CUE.test(text);
}

/** "Usually", "一般": a question about how things work, not about one transfer of the customer's. */
const IN_GENERAL_CUE =
  /一般|通常|平时|平時|平常|正常情况|正常情況|\b(usually|normally|typically|in general|on average|how long (does|do|will) (an? |\w+ )*(deposits?|withdrawals?) (take|need))\b/i;
const ONE_OF_MINE_CUE = /我的|我这|我這|我那|这笔|這筆|那笔|那筆|\b(my|mine|this|that)\b/i;

// "我的充值地址是多少": where to send, not a deposit gone missing.
const DEPOSIT_ADDRESS_QUESTION = /(充值|充币|充幣|入金)地址|\bdeposit address\b/i;

/** A question about how deposits or withdrawals work (or where to send), not about one transfer gone wrong. */
export function asksInGeneral(text: string, entities: Entities): boolean {
  if (entities.txHashes.length > 0 || entities.orderIds.length > 0 || saysNotArrived(text)) return false;
  return (IN_GENERAL_CUE.test(text) && !ONE_OF_MINE_CUE.test(text)) || DEPOSIT_ADDRESS_QUESTION.test(text);
}

/** "Are you a bot?" deserves a straight answer, not "please rephrase". */
const ASKS_IF_BOT =
  /(你|您)(是|是不是)(机器人|機器人|真人|ai|人工智能|人工智慧)|是(不是)?(机器人|機器人)|(机器人|機器人)吗|(機器人|机器人)嗎|\b(are you|r u|is this|am i (talking|chatting|speaking) (to|with)) (an? )?(bot|robot|ai|chatbot|machine|automated)\b/i;

export function asksIfBot(text: string): boolean {
  return ASKS_IF_BOT.test(text);
}

/** "That didn't help" in answer to "did this solve it?": the classifier alone reads 还是不行 as 行情 or thanks. */
const NOT_RESOLVED =
  /[还還]是不行|[还還]是[没沒](有)?(用|解[决決])|[还還]是不|不行|[没沒](有)?用|不管用|[没沒](有)?解[决決]|解[决決]不了|[没沒](有)?[帮幫]助|不是[这這][个個]|答非所[问問]|\b(did(n'?t| not) (help|work|solve)|does(n'?t| not) (help|work)|not (helpful|working|what i)|still (not|doesn'?t|don'?t|can'?t|cannot|isn'?t|won'?t)|useless|wrong answer|that'?s not (it|my question))\b/i;

export function saysNotResolved(text: string): boolean {
  return NOT_RESOLVED.test(text);
}

// What is left of "试过了，还是不行啊" once the not-resolved words are gone: nothing with a topic of its own.
const FEEDBACK_FILLER =
  /[\s\p{P}\p{S}\d]|啊|呀|吧|了|呢|的|啦|嘛|哦|也|都|试过|試過|照着做|照著做|这个|這個|回答|答案|你的|你|\b(your|answer|that|this|it|at all|still|the|is|nope|no|yes|but|thanks?|ok|sorry|tried|working|works?|helpful|help(ed)?|solved)\b/giu;

const NOT_RESOLVED_ALL = new RegExp(NOT_RESOLVED.source, 'gi');

/** "还是不行", "that didn't help" and nothing else: no topic the classifier could read, whatever it guesses. */
export function isBareNotResolved(text: string): boolean {
  return NOT_RESOLVED.test(text) && text.replace(NOT_RESOLVED_ALL, '').replace(FEEDBACK_FILLER, '').length === 0;
}
