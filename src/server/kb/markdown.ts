import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Article Markdown → safe HTML, once, when an article is saved (pages then serve the stored HTML). Two locks, either
 * of which alone would hold: markdown-it with raw HTML off (a `<script>` in the text becomes visible text), then
 * sanitize-html with an allowlist of tags and attributes, so no event handler, `javascript:` URL, iframe or style
 * reaches a page even if the renderer had a bug. Links keep only http(s), mailto and same-site paths; links that
 * leave the site open in a new tab without handing over the page (noopener noreferrer).
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SAFE_HREF = /^(?:https?:\/\/|mailto:|\/(?!\/)|#)/i;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'p',
    'br',
    'hr',
    'strong',
    'em',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').trim();
      if (!SAFE_HREF.test(href)) return { tagName: 'span', attribs: {} };
      const external = /^https?:\/\//i.test(href);
      return {
        tagName,
        attribs: {
          href,
          ...(attribs.title ? { title: attribs.title } : {}),
          ...(external ? { rel: 'noopener noreferrer', target: '_blank' } : {}),
        },
      };
    },
  },
};

export function renderArticleMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), SANITIZE);
}

/** The words of an article without its Markdown, for the search index and snippets. */
export function markdownToPlainText(source: string): string {
  const html = markdown.render(source);
  return sanitizeHtml(html.replace(/<\/(p|li|h[1-6]|tr|pre|blockquote)>/g, '\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
