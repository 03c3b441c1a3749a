import MarkdownIt from 'markdown-it';

/**
 * The editor's live preview. Raw HTML is off, so markdown-it escapes every tag the author types and its link check
 * refuses javascript:/vbscript:/file:/data: URLs: what comes out holds only the tags Markdown itself makes. The server
 * renders and sanitises the stored HTML on its own; this is a preview, never what customers are served.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

export function renderPreview(markdown: string): string {
  return md.render(markdown);
}
